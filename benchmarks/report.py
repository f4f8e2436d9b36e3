"""Write ``RESULTS.md`` from the collected results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

DEEP_GOAL = 1.5
RATE_GOAL = 1.05
#: The fake against Prism, by pair of servers (ours / theirs): quiet against
#: silent, and both with their default logging.
MOCK_GOALS = {("fake-quiet", "prism-silent"): 1.5, ("fake", "prism"): 3.0}
#: The CLI's export against the library's walk, whole processes on one server.
CLI_GOAL = 0.9


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**not met**")


def render(results: dict[str, Any]) -> str:
    """Return the Markdown of the results table."""
    out = ["# Benchmark results", ""]
    out += [
        "Written by `make bench` (`benchmarks/run.py`); see `benchmarks/README.md` for how",
        "each number is measured. Absolute times on a shared 2-core machine are noise:",
        "read the ratios, which compare runs made in the same bench, interleaved.",
        "",
    ]
    out += _machine(results)
    out += _goals(results)
    for key, writer in (
        ("mock", _mock),
        ("sizes", _sizes),
        ("client", _client),
        ("rate", _rate),
        ("contract", _contract),
        ("profile", _profile),
    ):
        section = results.get(key)
        if section is None:
            continue
        if "error" in section:
            out += [f"## {key}", "", f"Failed: `{section['error']}`", ""]
            continue
        out += writer(section)
        if "measured" in section:
            out += [f"_Measured {section['measured']}._", ""]
    return "\n".join(out).rstrip() + "\n"


def _machine(results: dict[str, Any]) -> list[str]:
    m = results["machine"]
    rows = [
        ("CPU", f"{m['cpu']} ({m['cores']} cores)"),
        ("memory", f"{m['memory_gib']} GiB"),
        ("OS", m["os"]),
        ("Python / SQLite", f"{m['python']} / {m['sqlite']}"),
        ("Node / Prism", f"{m['node']} / {m['prism']}"),
        ("load generator", results["generator"]),
        (
            "load average (1/5/15 min) at start / end",
            f"{m['load_average_at_start']} / {results.get('load_average_at_end', '-')}",
        ),
        ("date (UTC) / bench wall time", f"{results['date']} / {results['wall_seconds']:.0f} s"),
        ("mode", results["mode"]),
    ]
    return ["## Machine", "", *_table(("", ""), rows)]


def _goals(results: dict[str, Any]) -> list[str]:
    rows: list[tuple[object, ...]] = []
    mock = results.get("mock", {})
    if "ratios" in mock:
        for name, ratio in mock["ratios"].items():
            label, pair = name.split(": ", 1)
            ours, theirs = pair.removesuffix(" rps").split(" / ")
            goal = MOCK_GOALS.get((ours, theirs), 1.0)
            rows.append(
                (
                    f"{ours} req/s >= {goal}x {theirs} req/s, `{mock['requests'][label]}`",
                    f"{ratio}x",
                    _mark(ratio >= goal),
                )
            )
    sizes = results.get("sizes", {})
    if "ratios" in sizes:
        small, large = min(sizes["sizes"]), max(sizes["sizes"])
        ratio = sizes["ratios"].get(f"deep@{large:,} / first@{small:,} p50")
        rows.append(
            (
                f"deep cursor p50 at {large:,} <= {DEEP_GOAL}x first page p50 at {small:,}",
                f"{ratio}x",
                _mark(ratio <= DEEP_GOAL if ratio is not None else None),
            )
        )
    rate = results.get("rate", {})
    if "ratio_to_ideal" in rate:
        ok = rate["ratio_to_ideal"] <= RATE_GOAL and not rate["surfaced_error"]
        rows.append(
            (
                f"rate-limited walk <= {RATE_GOAL}x ideal, no 429 surfaced",
                f"{rate['ratio_to_ideal']}x, surfaced: {rate['surfaced_error'] or 'none'}",
                _mark(ok and rate["complete"]),
            )
        )
    client = results.get("client", {})
    if "ratios" in client:
        for label, ratio in client["ratios"].items():
            rows.append((f"client {label} (flat: about 1)", f"{ratio}x", _mark(ratio <= 1.25)))
    if "cli_over_library" in client:
        ratio = client["cli_over_library"]
        rows.append(
            (
                f"CLI `list --all --format jsonl` >= {CLI_GOAL}x the library's `iter_contacts`"
                " (contacts/s, whole processes, same server)",
                f"{ratio}x",
                _mark(ratio >= CLI_GOAL),
            )
        )
    return ["## Goals", "", *_table(("goal", "measured", "status"), rows)]


def _mock(s: dict[str, Any]) -> list[str]:
    out = [
        "## The fake against Prism",
        "",
        f"Same spec, same requests, same load generator: {s['connections']} connections,",
        f"median of {s['rounds']} interleaved runs of {s['seconds']:g} s (each server warmed",
        f"up first). The fake serves {s['contacts']:,} generated contacts (real filtering and",
        "keyset pagination on SQLite); Prism answers the spec's first example (2 contacts)",
        "to every request. Server on core 0, load generator on core 1. `fake` and `prism`",
        "log every request (their defaults); `fake-quiet` and `prism-silent` do not.",
        "",
    ]
    rows = []
    for label, r in s["results"].items():
        server, request = label.split(" ", 1)
        rows.append(
            (
                server,
                f"`{s['requests'][request]}`",
                r["rps"],
                r["p50_ms"],
                r["p99_ms"],
                r["bytes_per_response"],
                r["errors"],
            )
        )
    rows.sort(key=lambda row: (str(row[1]), str(row[0])))
    out += _table(("server", "request", "req/s", "p50 ms", "p99 ms", "bytes/resp", "errors"), rows)
    out += _table(("ratio", "value"), list(s["ratios"].items()))
    out += _table(("server", "start to first answer, s"), list(s["ready_seconds"].items()))
    return out


def _sizes(s: dict[str, Any]) -> list[str]:
    out = [
        "## The fake across data sizes",
        "",
        f"One connection (requests in series), median of {s['rounds']} interleaved runs of",
        f"{s['seconds']:g} s. Cursor pages: `limit={s['limit']}`; deep = the last full page",
        f"(an `after` cursor {s['limit']} contacts from the end); filtered = `{s['filter']}`;",
        f"legacy = `page=1` / `page=50` with `per_page={s['legacy_per_page']}`.",
        "Load = process start to first answer (generate, insert, index, start uvicorn).",
        "",
    ]
    rows = []
    kinds = ("first", "deep", "filtered", "legacy-1", "legacy-50")
    for n in s["sizes"]:
        load = s["load"][str(n)]
        row: list[object] = [n, load["ready_seconds"], load["peak_rss_mib"]]
        for kind in kinds:
            r = s["results"].get(f"{n} {kind}")
            row.append(f"{r['p50_ms']:.2f} / {r['p99_ms']:.2f}" if r else None)
        rows.append(row)
    header = ("contacts", "load s", "RSS MiB", *(f"{k} p50/p99 ms" for k in kinds))
    out += _table(header, rows)
    out += _table(("ratio", "value"), list(s["ratios"].items()))
    out += ["![latency against data size](latency_vs_size.png)", ""]
    return out


def _client(s: dict[str, Any]) -> list[str]:
    p = s["parse"]
    out = [
        "## The client",
        "",
        f"Parsing one {p['contacts']}-contact page ({p['bytes']:,} bytes), median per call:",
        "",
    ]
    out += _table(
        ("`json.loads`", "`ContactList.from_dict(json.loads(...))`", "ratio"),
        [(f"{p['json_loads_us']} us", f"{p['models_us']} us", f"{p['ratio_models_over_json']}x")],
    )
    out += [
        "Walking every contact of a `kapso-fake` on loopback (`limit=100`). A process is",
        "timed from spawn to exit (imports and start-up included, as a user waits for it);",
        "the library's own walk time is shown beside it. On the large server the library",
        "and the CLI alternate, median of the rounds.",
        "",
    ]
    rows = []
    for label, w in s["walks"].items():
        how = "CLI `list --all --format jsonl`" if "cli" in label else "library `iter_contacts`"
        rows.append(
            (
                label.split()[0],
                how,
                w["contacts"],
                w.get("process_seconds", "-"),
                w.get("process_contacts_per_second", "-"),
                "-" if "cli" in label else w["contacts_per_second"],
                w["peak_rss_mib"],
            )
        )
    out += _table(
        (
            "server size",
            "how",
            "contacts",
            "process s",
            "contacts/s (process)",
            "contacts/s (walk only)",
            "peak RSS MiB",
        ),
        rows,
    )
    return out


def _rate(s: dict[str, Any]) -> list[str]:
    w = s["walk"]
    out = [
        "## At the rate limit",
        "",
        f"`kapso-fake --rate-limit {s['rate_limit']}` with {s['window_seconds']:g} s windows;",
        f"the client walks {s['contacts']:,} contacts ({s['requests']} requests). Ideal =",
        "requests / limit x window.",
        "",
    ]
    statuses = ", ".join(f"{k}: {v}" for k, v in w["wire_statuses"].items())
    out += _table(
        ("ideal s", "actual s", "ratio", "contacts", "on the wire", "surfaced error"),
        [
            (
                s["ideal_seconds"],
                w["seconds"],
                s["ratio_to_ideal"],
                w["contacts"],
                statuses,
                s["surfaced_error"] or "none",
            )
        ],
    )
    return out


def _contract(s: dict[str, Any]) -> list[str]:
    if "skipped" in s:
        return ["## The contract suite", "", f"Skipped: {s['skipped']}", ""]
    rows = [
        (k, v["seconds"], v["summary"], v.get("requests"), v["exit"])
        for k, v in s["results"].items()
    ]
    return [
        "## The contract suite",
        "",
        f"`pytest contract_tests` wall time (loopback: `kapso-fake` with {s['contacts']:,}"
        " contacts on a port).",
        "",
        "Against a server on a port, the tests that need the embedded fake's data skip.",
        "",
        *_table(("target", "wall s", "pytest summary", "requests sent", "exit"), rows),
    ]


def _profile(s: dict[str, Any]) -> list[str]:
    layers = s["layers"]
    out = [
        "## Where the fake's time goes",
        "",
        f"One `?limit=20` page with {layers['contacts']:,} contacts, each layer timed in-process",
        "(the HTTP row is p50 over loopback less the in-process ASGI call):",
        "",
    ]
    shares = layers["layers_share"]
    rows = [(name, us, f"{shares[name]:.0%}") for name, us in layers["layers_us"].items()]
    out += _table(("layer", "us per page", "share"), rows)
    out += [
        "cProfile of the live server (default logging) under load; self time by bucket",
        "(a builtin counts for its caller's bucket; profiling inflates pure-Python code):",
        "",
    ]
    buckets = s["cprofile"]["buckets_share"]
    out += _table(("bucket", "share of busy time"), [(k, f"{v:.0%}") for k, v in buckets.items()])
    top = s["cprofile"]["top_self_time"]
    out += _table(
        ("function (top self time)", "self", "cumulative"),
        [
            (f"`{t['function']}`", f"{t['self_share']:.1%}", f"{t['cumulative_share']:.1%}")
            for t in top
        ],
    )
    load = s.get("load")
    if load:
        phases = load["phases_seconds"]
        out += [
            f"Loading {load['contacts']:,} contacts in-process took {load['seconds']} s:",
            "",
            *_table(
                ("phase", "s", "share"),
                [(k, v, f"{v / load['seconds']:.0%}") for k, v in phases.items()],
            ),
        ]
    return out
