"""The PNG chart: page latency against data size (p50 and p99 side by side)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_SERIES = (
    ("first", "first page", "tab:blue"),
    ("deep", "deep cursor (last page)", "tab:red"),
    ("filtered", "filtered page", "tab:green"),
    ("legacy-1", "legacy page 1 (per_page=100)", "tab:gray"),
    ("legacy-50", "legacy page 50 (per_page=100)", "tab:purple"),
)


def latency_vs_size(sizes: dict[str, Any], path: Path, machine: str) -> None:
    """Draw the p50 and p99 latency of each page kind against the number of contacts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator

    results: dict[str, dict[str, Any]] = sizes["results"]
    counts: list[int] = sizes["sizes"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), dpi=110, sharey=True)
    for ax, metric, title in ((axes[0], "p50_ms", "median (p50)"), (axes[1], "p99_ms", "p99")):
        for kind, label, color in _SERIES:
            xs = [n for n in counts if f"{n} {kind}" in results]
            if xs:
                ys = [results[f"{n} {kind}"][metric] for n in xs]
                ax.plot(xs, ys, marker="o", color=color, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(counts, [f"{n:,}" for n in counts])
        ax.minorticks_off()
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel("contacts in the fake")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    first_small = results.get(f"{min(counts)} first")
    if first_small:
        goal = first_small["p50_ms"] * 1.5
        axes[0].axhline(goal, color="black", linewidth=0.8, linestyle=":")
        axes[0].annotate(
            "goal: deep p50 at the largest size under this line",
            (min(counts), goal),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=7,
        )
    axes[0].set_ylabel("ms per request (one connection)")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"kapso-fake: page latency against data size (cursor limit={sizes['limit']})")
    fig.text(0.01, 0.01, machine, fontsize=6, color="gray")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path)
    plt.close(fig)
