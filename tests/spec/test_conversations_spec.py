"""List conversations, by its spec alone: it reads, it lints, and it differs where the facts do.

`tests/specs/conversations.yaml` is the second member of Kapso's family of list
endpoints. These tests pin what makes it a real test of the engine's
genericity: another keyset, an enum filter, two filters on a field the
response does not carry that refuse each other, time bounds on two columns,
a nested object, and facts that trace to the conversations facts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kapso_contacts.contract import Contract, Instant, assess, load_contract

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "tests" / "specs" / "conversations.yaml"
CONTRACT = load_contract(SPEC)
ASSIGNEE = "2f1c6b7e-5a4d-4c3b-9e8f-7a6b5c4d3e2f"


def test_it_reads_as_a_contract_and_lints_clean(lint_spec: Any) -> None:
    assert lint_spec.problems(SPEC) == []
    assert (CONTRACT.noun, CONTRACT.item.schema) == ("conversations", "Conversation")
    assert CONTRACT.path == "/platform/v1/whatsapp/conversations"


def test_the_keyset_is_last_active_at_then_id_newest_activity_first() -> None:
    assert [key.field for key in CONTRACT.order] == ["last_active_at", "id"]
    assert CONTRACT.order[0].descending
    assert CONTRACT.order[0].provenance.documented
    assert CONTRACT.identity == "id"
    # The tie direction is the spec's choice, with the other one listed.
    assert CONTRACT.order[1].direction.readings == ("ascending",)


def test_status_is_an_enum_filter_that_refuses_a_value_outside_it() -> None:
    status = CONTRACT.filters["status"]
    assert (status.field, status.kind, status.hidden) == ("status", "equals", False)
    assert CONTRACT.parameters["status"].enum == ("active", "ended")
    field = CONTRACT.item.field("status")
    assert field is not None
    assert field.enum == ("active", "ended")
    (refused,) = assess(CONTRACT, {"status": "open"}).refusals
    assert refused.provenance.documented
    assert assess(CONTRACT, {"status": "ended"}).values == {"status": "ended"}


def test_the_assignment_filters_read_a_field_the_response_does_not_carry() -> None:
    unassigned, assigned = CONTRACT.filters["unassigned"], CONTRACT.filters["assigned_user_id"]
    assert (unassigned.kind, assigned.kind) == ("absent", "equals")
    assert unassigned.field == assigned.field == "assignee.user_id"
    assert unassigned.hidden
    assert assigned.hidden
    assert unassigned.through is None
    assert CONTRACT.item.field("assignee") is None
    assert CONTRACT.parameters["assigned_user_id"].schema.get("format") == "uuid"
    assert CONTRACT.parameters["unassigned"].kind == "boolean"
    # What they keep cannot be told from a conversation.
    item = {"id": ASSIGNEE, "last_active_at": "2026-05-15T13:05:00.000000Z"}
    assert unassigned.keeps(item, True) is None
    assert assigned.keeps(item, ASSIGNEE) is None


def test_unassigned_with_assigned_user_id_is_refused_and_the_answer_is_assumed() -> None:
    both = {"unassigned": "true", "assigned_user_id": ASSIGNEE}
    (refused,) = assess(CONTRACT, both).refusals
    (rule,) = [r for r in CONTRACT.rules if r.triggered_by(both)]
    assert rule.effect.value == "refuse"
    assert refused.provenance == rule.provenance
    assert not rule.provenance.documented
    assert "cannot be combined" in str(rule.provenance.reason)
    assert refused.status == CONTRACT.refusal_status.value == 400
    # A server that drops one of the two is a listed reading, served without a refusal.
    assert {"ignore": ["unassigned"]} in rule.effect.readings
    pointer = rule.effect.pointer
    lenient = assess(CONTRACT.read_as({pointer: {"ignore": ["unassigned"]}}), both)
    assert not lenient.refused
    assert lenient.values == {"assigned_user_id": ASSIGNEE}


def _bound(contract: Contract, name: str, value: str) -> Instant:
    bound: Instant = assess(contract, {name: value}).values[name]
    return bound


@pytest.mark.parametrize(
    ("after", "before", "column"),
    [
        ("created_after", "created_before", "created_at"),
        ("last_active_after", "last_active_before", "last_active_at"),
    ],
)
def test_time_bounds_apply_to_their_own_column(after: str, before: str, column: str) -> None:
    assert (CONTRACT.filters[after].field, CONTRACT.filters[after].kind) == (column, "after")
    assert (CONTRACT.filters[before].field, CONTRACT.filters[before].kind) == (column, "before")
    other = "created_at" if column == "last_active_at" else "last_active_at"
    item = {column: "2026-05-15T13:05:00.000000Z", other: "2020-01-01T00:00:00.000000Z"}
    assert CONTRACT.filters[after].keeps(item, _bound(CONTRACT, after, "2026-05-15T13:00:00Z"))
    assert not CONTRACT.filters[after].keeps(item, _bound(CONTRACT, after, "2026-05-15T13:05:00Z"))
    assert CONTRACT.filters[before].keeps(item, _bound(CONTRACT, before, "2026-05-16T00:00:00Z"))


def test_phone_number_is_a_substring_filter_and_phone_number_id_an_exact_one() -> None:
    phone, phone_id = CONTRACT.filters["phone_number"], CONTRACT.filters["phone_number_id"]
    assert (phone.field, phone.kind) == ("phone_number", "contains")
    assert (phone_id.field, phone_id.kind) == ("phone_number_id", "equals")
    item = {"phone_number": "15551234567", "phone_number_id": "106540352242922"}
    assert phone.keeps(item, "5512")
    assert not phone_id.keeps(item, "1065403522")


def test_a_conversation_nests_the_kapso_object_with_realistic_sample_hints() -> None:
    kapso = CONTRACT.item.field("kapso")
    assert kapso is not None
    assert kapso.type == "object"
    assert not kapso.required
    assert set(kapso.fields) == {
        "contact_name",
        "messages_count",
        "last_message_id",
        "last_message_type",
        "last_message_timestamp",
        "last_message_text",
        "last_inbound_at",
        "last_outbound_at",
    }
    assert kapso.fields["messages_count"].types == ("integer",)
    assert kapso.fields["last_inbound_at"].format == "date-time"
    assert kapso.fields["last_inbound_at"].nullable
    fields = CONTRACT.item.fields
    # The order's first key is spread by the fake; the other date-times sit around it.
    assert "not-after" not in fields["last_active_at"].sample
    assert fields["created_at"].sample["not-after"] == "last_active_at"
    assert fields["updated_at"].sample["not-before"] == "last_active_at"


def test_the_differences_trace_to_the_conversations_facts(
    source_text: Callable[[str], str],
) -> None:
    facts = " ".join(source_text("conversations-facts").split())
    own = [
        *(f.provenance for f in CONTRACT.filters.values()),
        CONTRACT.order[0].provenance,
        CONTRACT.order[1].provenance,
        CONTRACT.pagination.cursor.provenance,
        CONTRACT.pagination.legacy.provenance,
        CONTRACT.pagination.legacy.max_window.provenance,
        CONTRACT.pagination.legacy.limit_error,
    ]
    for why in own:
        assert why.source == "conversations-facts", why.location
        assert " ".join(str(why.quote).split()) in facts, why.location
    # The legacy limits are the family's, stated on other pages: the quote says so.
    window = CONTRACT.pagination.legacy.max_window.provenance
    assert "contacts and messages pages" in str(window.quote)


def test_the_family_sources_say_they_are_the_familys_conventions() -> None:
    family = {k: v for k, v in CONTRACT.sources.items() if k != "conversations-facts"}
    assert family
    for key, description in family.items():
        assert key.startswith("family-"), key
        assert "the family of list endpoints shares" in description, key
