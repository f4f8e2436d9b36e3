"""At the rate limit: a full walk against ``kapso-fake --rate-limit R`` stays near the ideal.

The ideal walk of N contacts at R requests per window of W seconds needs
ceil(N/100) requests, so ceil(N/100) / R windows. The goal is at most 1.05x
that, with no 429 surfaced to the caller.

Kapso's windows are a minute long. When ``kapso-fake`` has ``--rate-window``
the bench uses a short window (seconds) so it stays short; otherwise it falls
back to the one-minute window with a walk that crosses one window boundary.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Callable
from pathlib import Path

from ._proc import API_PATH, BIN, serve_fake
from .bench_client import walk


def has_rate_window() -> bool:
    """Return whether this ``kapso-fake`` accepts ``--rate-window SECONDS``."""
    done = subprocess.run(
        [str(BIN / "kapso-fake"), "--help"], capture_output=True, text=True, check=False
    )
    return "--rate-window" in done.stdout


def run(
    *,
    short: tuple[int, int, float],
    minute: tuple[int, int],
    log_dir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """Walk a rate-limited fake with the client library.

    Args:
        short: (contacts, requests per window, window seconds) when ``--rate-window`` exists.
        minute: (contacts, requests per minute) otherwise.
        log_dir: where server logs go.
        log: progress lines.
    """
    if has_rate_window():
        contacts, limit, window = short
        extra = ["--rate-limit", str(limit), "--rate-window", f"{window:g}"]
    else:
        (contacts, limit), window = minute, 60.0
        extra = ["--rate-limit", str(limit)]
        log(f"  kapso-fake has no --rate-window: using {window:g} s windows")
    requests = math.ceil(contacts / 100)
    ideal = requests / limit * window
    # The readiness probe sends no key, so it spends nothing of the walk's budget.
    quiet = (*extra, "--log-level", "warning")
    with serve_fake("fake-rate", contacts, *quiet, log_dir=log_dir) as server:
        result = walk(server.base_url + API_PATH, window=window, timeout=ideal * 3 + 60)
    seconds = float(result["seconds"])
    statuses = result.get("wire_statuses", {})
    assert isinstance(statuses, dict)
    outcome = {
        "contacts": contacts,
        "rate_limit": limit,
        "window_seconds": window,
        "requests": requests,
        "ideal_seconds": round(ideal, 2),
        "walk": result,
        "ratio_to_ideal": round(seconds / ideal, 3),
        "wire_429": int(statuses.get("429", 0)),
        "surfaced_error": result.get("surfaced_error"),
        "complete": result["contacts"] == contacts,
    }
    log(f"  rate: {outcome}")
    return outcome
