"""Cursors sent where they do not belong: which probes the kit sends, how it judges each answer, how it counts them."""

from __future__ import annotations

import base64
import math

import pytest

from contract_tests.checks.cursor_probes import (
    NOT_BOUND_TO_QUERY,
    NOT_BOUND_TO_TENANT,
    SERVER_ERROR,
    TAMPER_ACCEPTED,
    Probe,
    binding_probes,
    tamper_positions,
    verdict,
)
from contract_tests.checks.cursor_text import read_text, write_text
from contract_tests.checks.forgery import forgeries, read_cursor
from contract_tests.checks.symptoms import Tally, first_tries
from contract_tests.spec.queries import Query
from tests.kit.samples import CONTRACT, customer

ENVELOPE = {"error": {"code": "INVALID_CURSOR", "message": "no"}}


def test_every_binding_is_probed_once() -> None:
    query = Query(filters=(("status", "active"),), sort_by="firstName", limit=10)
    probes = binding_probes(CONTRACT, query, "c", [customer("cus_1")], other_tenant=True)
    kinds = [probe.kind for probe in probes]
    assert kinds.count("a cursor sent with another sortBy") == len(CONTRACT.sort_fields) - 1
    assert {probe.query.sort_by for probe in probes if "sortBy" in probe.kind} == set(CONTRACT.sort_fields) - {
        "firstName"
    }
    changed = [dict(probe.query.filters) for probe in probes if probe.kind == "a cursor sent with a filter changed"]
    assert {} in changed and {"status": "inactive"} in changed  # the filter removed, and another value
    assert {"status": "active", "email": "cus_1@example.com"} in changed  # the free-form filter added
    assert any(probe.other_tenant and probe.accepted_as == NOT_BOUND_TO_TENANT for probe in probes)
    (limit,) = [probe for probe in probes if probe.accepted_as is None]
    assert limit.query.limit == 11
    assert not any(probe.other_tenant for probe in binding_probes(CONTRACT, query, "c", [], other_tenant=False))


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, ENVELOPE, None),
        (500, ENVELOPE, (SERVER_ERROR, "answered 500 to a tampered cursor")),
        (200, {}, (TAMPER_ACCEPTED, "accepted a tampered cursor")),
        (418, ENVELOPE, ("undocumented-status", "refused a tampered cursor with the undocumented status 418")),
        (400, "no", ("error-envelope", "refused a tampered cursor without the documented error envelope")),
    ],
)
def test_a_cursor_that_does_not_belong_needs_a_documented_refusal(status: int, body: object, expected: object) -> None:
    probe = Probe("a tampered cursor", Query(), "x", TAMPER_ACCEPTED)
    assert verdict(probe, status, body, CONTRACT) == expected


def test_another_limit_needs_a_page() -> None:
    probe = Probe("a cursor sent with another limit", Query(limit=3), "x", None)
    assert verdict(probe, 200, {}, CONTRACT) is None
    assert verdict(probe, 400, ENVELOPE, CONTRACT) == ("cursor-bound-to-limit", f"refused {probe.kind} with 400")
    assert verdict(probe, 502, ENVELOPE, CONTRACT) == (SERVER_ERROR, f"answered 502 to {probe.kind}")


def test_each_kind_is_tried_first_and_the_tries_cut_to_what_is_affordable() -> None:
    probes = [Probe(kind, Query(), str(n), NOT_BOUND_TO_QUERY) for n, kind in enumerate("aaab")]
    assert [probe.cursor for probe in first_tries(probes, math.inf)] == ["0", "3", "1", "2"]
    assert [probe.cursor for probe in first_tries(probes, 2.0)] == ["0", "3"]
    assert [probe.cursor for probe in first_tries(probes, 0.0)] == ["0"]


def test_the_tally_reports_every_class_with_its_count_and_one_curl() -> None:
    tally = Tally()
    for n in range(185):
        tally.tried("a tampered cursor")
        if n % 5 < 2 and n < 190:
            tally.met(SERVER_ERROR, "answered 500 to a tampered cursor", "a tampered cursor", [f"curl {n}"])
    for _ in range(12):
        tally.tried("a cursor sent with another sortBy")
        tally.met(NOT_BOUND_TO_QUERY, "accepted a cursor sent with another sortBy", "a cursor sent with another sortBy")
    violation = tally.violation()
    assert violation is not None
    assert violation.finding_class == SERVER_ERROR
    assert violation.title == "answered 500 to a tampered cursor (and 1 other failure class)"
    first, second = violation.symptoms
    assert (first.finding_class, first.count, first.tries, first.curl) == (SERVER_ERROR, 74, 185, ("curl 0",))
    assert (second.count, second.tries) == (12, 12)
    assert "answered 500 to a tampered cursor: 74 of 185 [cursor-server-error]\n    curl 0" in violation.details
    assert Tally().violation() is None
    Tally().check()


@pytest.mark.parametrize(
    ("text", "form", "content"),
    [
        ('{"a":1}', "json", {"a": 1}),
        ("o=1&p=cus_12", "query", {"o": "1", "p": "cus_12"}),
        ("o=1&r=0&p=2024-01-01+00%3A00", "query", {"o": "1", "r": "0", "p": "2024-01-01 00:00"}),
        ("createdAt|1709647330|cus_1", "text", ["createdAt", "1709647330", "cus_1"]),
        ("50:cus_9", "text", ["50", "cus_9"]),
    ],
)
def test_readable_text_round_trips(text: str, form: str, content: object) -> None:
    read = read_text(text)
    assert read is not None and read[:2] == (form, content)
    assert read_text(write_text(*read)) == read


@pytest.mark.parametrize("text", ["true", '"x"', "cus_123", "a=1&a=2", "=1", "ab", "\x00\x01|\x02"])
def test_chance_text_is_not_read(text: str) -> None:
    assert read_text(text) is None


@pytest.mark.parametrize("padded", [True, False])
@pytest.mark.parametrize("urlsafe", [True, False])
def test_a_query_string_cursor_is_edited_in_its_own_spelling(urlsafe: bool, padded: bool) -> None:
    raw = b"o=1&p=cus_12&x=~~~?"
    token = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    token = token if padded else token.rstrip("=")
    cursor = read_cursor(f"{token}:c2ln")
    assert cursor is not None and (cursor.form, cursor.separator) == ("query", ":")
    moved = {f.kind: f for f in forgeries(cursor, [("the position", "cus_12", "cus_1")])}
    spelled, signature = moved["the position"].token.split(":")
    assert signature == "c2ln" and spelled.endswith("=") == padded
    decode = base64.urlsafe_b64decode if urlsafe else base64.b64decode
    assert decode(spelled + "=" * (-len(spelled) % 4)) == b"o=1&p=cus_1&x=~~~%3F"
    assert moved["a position"].new == "2"


def test_a_plain_readable_cursor_is_edited_as_text() -> None:
    cursor = read_cursor("createdAt|1709647330|cus_1")
    assert cursor is not None and cursor.plain
    (sort,) = [f for f in forgeries(cursor, [("the sort", "createdAt", "email")]) if f.kind == "the sort"]
    assert sort.token == "email|1709647330|cus_1"


def test_tampering_leaves_out_the_characters_whose_low_bits_a_decoder_drops() -> None:
    payload = base64.urlsafe_b64encode(b"payload").decode().rstrip("=")
    signature = "LXkCIl2RlU6M62zT4GgFshTayYG1F_zBSvz3wnydWlo"  # 32 bytes: its last character holds 2 unread bits
    positions = tamper_positions(f"{payload}.{signature}")
    assert len(payload) - 1 not in positions and len(payload) + len(signature) not in positions
    assert 0 in positions and len(payload) in positions  # the separator too
    # Why: changing that last character need not change the signature's bytes at all.
    assert base64.urlsafe_b64decode(signature + "=") == base64.urlsafe_b64decode(signature[:-1] + "p=")
    # Anywhere else in the signature, another character changes its bytes.
    for index in range(len(signature) - 1):
        edited = signature[:index] + ("A" if signature[index] != "A" else "B") + signature[index + 1 :]
        assert base64.urlsafe_b64decode(edited + "=") != base64.urlsafe_b64decode(signature + "=")


def test_a_cursor_of_one_character_can_still_be_tampered() -> None:
    assert tamper_positions("x") == [0]
