"""Every accepted spelling is derived from the spec, and the inexact ones straddle real instants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contract_tests._spellings import date_spellings, value_spellings
from kapso_contacts.contract import default_contract, load_contract, packaged_spec, parse_rfc3339

CONTRACT = default_contract()
INSTANT = parse_rfc3339("2025-03-26T15:05:00.123456Z").floor


def test_each_date_spelling_writes_the_instant_or_the_nearest_ones_on_either_side() -> None:
    for spelling in date_spellings(CONTRACT):
        below, above = (
            parse_rfc3339(spelling.below(INSTANT)),
            parse_rfc3339(spelling.above(INSTANT)),
        )
        if spelling.exact:
            assert below.floor == above.floor == INSTANT and not below.inexact, spelling
        else:
            assert below.floor < INSTANT < above.ceiling(), spelling
    labels = {s.label: s for s in date_spellings(CONTRACT)}
    assert labels["3 digits"].below(INSTANT) == "2025-03-26T15:05:00.123Z"
    assert labels["3 digits"].above(INSTANT) == "2025-03-26T15:05:00.124Z"
    assert labels["9 digits"].above(INSTANT) == "2025-03-26T15:05:00.123456001Z"
    assert labels["-03:00"].below(INSTANT) == "2025-03-26T12:05:00.123456-03:00"
    assert labels["z"].below(INSTANT).endswith("z") and "t" in labels["t"].below(INSTANT)


def test_a_spelling_on_its_own_grid_cannot_straddle_an_instant() -> None:
    whole = parse_rfc3339("2025-03-26T15:05:00Z").floor
    labels = {s.label: s for s in date_spellings(CONTRACT)}
    assert not labels["0 digits"].can_straddle(whole)
    assert not labels["3 digits"].can_straddle(whole)
    assert labels["9 digits"].can_straddle(whole) and labels["Z"].can_straddle(whole)


def test_value_spellings_follow_x_kapso_query(tmp_path: Path) -> None:
    found = {(s.parameter, s.label, s.text) for s in value_spellings(CONTRACT)}
    integers = [p.name for p in CONTRACT.parameters.values() if p.kind == "integer"]
    assert found == {(name, "leading zero", "010") for name in integers}
    spec: dict[str, Any] = packaged_spec()
    query = spec["paths"][CONTRACT.operation_path]["get"]["x-kapso-query"]
    query["booleans"]["true"] = ["true", "1"]
    query["integers"]["pattern"] = "^-?[1-9][0-9]*$|^0$"
    edited = tmp_path / "contacts.json"
    edited.write_text(json.dumps(spec), encoding="utf-8")
    found = {(s.parameter, s.label, s.text) for s in value_spellings(load_contract(edited))}
    booleans = [p.name for p in CONTRACT.parameters.values() if p.kind == "boolean"]
    assert found == {(name, "true as 1", "1") for name in booleans}
