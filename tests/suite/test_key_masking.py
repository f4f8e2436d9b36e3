"""The API key never shows, whatever it is, and masking it never corrupts a report.

`docs/contract-suite.md` shows `make fake KEY=k` then `KAPSO_API_KEY=k make
contract`: a one-letter key must not turn every `k` of a report into `***`
(that once made pytest's skip tuple a string and crashed the run).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract_tests._masking import Scrubber
from kapso_fake.testing import serve_app

from ._runs import run_suite
from ._servers import mutated

ONE_LETTER = "k"
# The key standing as a token of its own (not inside a word like "fake").
TOKEN = re.compile(r"(?<![A-Za-z0-9_\-])k(?![A-Za-z0-9_\-])")


def test_masking_keeps_each_report_shape_and_every_other_word() -> None:
    scrub = Scrubber(ONE_LETTER)
    assert scrub.text("-H 'X-API-Key: k' and the fake's data") == (
        "-H 'X-API-Key: ***' and the fake's data"
    )
    canary = "kapso_canary_0123abcd"
    assert Scrubber(canary).text(f"key={canary}.") == "key=***."


@pytest.mark.loopback
def test_a_live_run_with_a_one_letter_key_completes_and_never_shows_it(tmp_path: Path) -> None:
    # A fake that serves `limit` out of range: failures, so reproductions to mask.
    with serve_app(mutated("limit-clamped", "limit-zero-means-default", key=ONE_LETTER)) as server:
        base_url = server.base_url
        run = run_suite(
            tmp_path,
            {
                "KAPSO_BASE_URL": base_url,
                "KAPSO_API_KEY": ONE_LETTER,
                "KAPSO_CONTRACT_MAX_REQUESTS": "60",
                "KAPSO_CONTRACT_SEED": "1",
            },
        )
    assert "INTERNALERROR" not in run.output, run.output[-3000:]
    assert run.returncode == 1, run.output[-3000:]
    assert "contract summary" in run.output and "INCOMPLETE" in run.output
    # Reports keep their words: skip reasons still read as written.
    assert "ground truth needs the embedded fake's data" in run.output
    for name, text in (("JUnit", run.junit), ("step summary", run.summary)):
        assert text, f"no {name} written"
        assert not TOKEN.search(text), f"the key shows in the {name}: {TOKEN.search(text)}"
    reproductions = [line for line in run.output.splitlines() if "reproduce: curl " in line]
    assert reproductions, run.output[-3000:]
    for line in reproductions:
        assert "X-API-Key: ***" in line and not TOKEN.search(line), line
