"""Reading, editing and re-encoding cursors that are base64 of JSON, as the kit's forged-cursor property does."""

from __future__ import annotations

import base64
import json

import pytest

from contract_tests.checks.forgery import encode, forgeries, leaves, read_cursor, replaced


def b64(value: object, *, urlsafe: bool = True, padded: bool = False) -> str:
    raw = json.dumps(value).encode()
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    return text if padded else text.rstrip("=")


def decoded(part: str) -> object:
    return json.loads(base64.urlsafe_b64decode(part.replace("+", "-").replace("/", "_") + "=" * (-len(part) % 4)))


def test_the_mocks_signed_cursor_is_read_and_its_signature_kept() -> None:
    fingerprint = ["createdAt", "asc", None, None, None, None]
    payload = b64([2, "acme", fingerprint, "2024-01-01T00:00:00Z", "cus_9", 0])
    token = f"{payload}.c2lnbmF0dXJlLW9mLTIyLWNo"
    cursor = read_cursor(token)
    assert cursor is not None and cursor.separator == "." and cursor.index == 0
    assert cursor.content[1] == "acme"
    forged = forgeries(cursor, [("the tenant", "acme", "globex")])
    tenant = next(forgery for forgery in forged if forgery.kind == "the tenant")
    signed, signature = tenant.token.split(".")
    assert signature == "c2lnbmF0dXJlLW9mLTIyLWNo"
    assert decoded(signed) == [2, "globex", fingerprint, "2024-01-01T00:00:00Z", "cus_9", 0]


def test_an_unsigned_offset_cursor_is_moved_on() -> None:
    cursor = read_cursor(b64({"offset": 50, "status": "active"}, urlsafe=False, padded=True))
    assert cursor is not None and cursor.separator == ""
    forged = {forgery.kind: forgery for forgery in forgeries(cursor, [("a filter", "active", "inactive")])}
    assert json.loads(base64.b64decode(forged["a position"].token)) == {"offset": 51, "status": "active"}
    assert json.loads(base64.b64decode(forged["a filter"].token)) == {"offset": 50, "status": "inactive"}


def test_a_bare_integer_is_an_offset() -> None:
    cursor = read_cursor(base64.b64encode(b"50").decode())
    assert cursor is not None
    (forgery,) = forgeries(cursor, [])
    assert base64.b64decode(forgery.token) == b"51" and forgery.path == ()


@pytest.mark.parametrize("padded", [True, False])
@pytest.mark.parametrize("urlsafe", [True, False])
def test_the_forgery_keeps_the_alphabet_and_the_padding(urlsafe: bool, padded: bool) -> None:
    # Values whose encoding holds alphabet-specific characters and needs padding.
    original = {"k": "???>>>~~~", "n": 7}
    token = b64(original, urlsafe=urlsafe, padded=padded)
    cursor = read_cursor(token)
    assert cursor is not None
    for forgery in forgeries(cursor, []):
        assert forgery.token.endswith("=") == token.endswith("=")
        assert len(forgery.token) % 4 == len(token) % 4
        other = "+/" if urlsafe else "-_"
        assert not set(forgery.token) & set(other), forgery.token
        assert decoded(forgery.token) != original


def test_an_ambiguous_alphabet_is_avoided_in_the_forgery() -> None:
    token = b64({"a": 1})  # eyJhIjogMX0: letters and digits only
    cursor = read_cursor(token)
    assert cursor is not None and cursor.urlsafe is None
    (forgery,) = forgeries(cursor, [])
    assert forgery.token.isalnum()
    assert decoded(forgery.token) == {"a": 2}


def test_a_jwt_like_cursor_edits_its_longest_readable_part() -> None:
    header, body = b64({"alg": "HS256"}), b64({"after": "cus_1", "tenant": "acme", "sort": "lastName"})
    cursor = read_cursor(f"{header}.{body}.c2ln")
    assert cursor is not None and cursor.index == 1
    (forgery,) = [f for f in forgeries(cursor, [("the tenant", "acme", "globex")]) if f.kind == "the tenant"]
    first, second, signature = forgery.token.split(".")
    assert (first, signature) == (header, "c2ln")
    assert decoded(second) == {"after": "cus_1", "tenant": "globex", "sort": "lastName"}


@pytest.mark.parametrize(
    "token",
    ["opaque-cursor-abc", "Y3VzXzEyMw", "not base64!", "", "dHJ1ZQ", "a.b.c", "eyJhIjogMX0+-"],
)
def test_opaque_cursors_are_not_read(token: str) -> None:
    # Y3VzXzEyMw is base64 of the text cus_123, not of JSON; dHJ1ZQ of a lone `true`.
    assert read_cursor(token) is None


def test_every_value_is_edited_and_recognised_ones_as_told() -> None:
    cursor = read_cursor(b64([True, None, 1.5, "x", {"deep": ["acme"]}]))
    assert cursor is not None
    forged = forgeries(cursor, [("the tenant", "acme", "globex"), ("the tenant", "nobody", "z")])
    assert [(f.kind, f.path, f.new) for f in forged] == [
        ("a flag", (0,), False),
        ("a value", (1,), 0),
        ("a position", (2,), 3.0),
        ("a value", (3,), "x0"),
        ("the tenant", (4, "deep", 0), "globex"),
    ]
    assert "['deep']" in forged[-1].describe()


def test_a_recognised_value_is_matched_by_type_too() -> None:
    # The integer 1 is not the boolean True, nor the text "1".
    cursor = read_cursor(b64({"n": 1}))
    assert cursor is not None
    (forgery,) = forgeries(cursor, [("a filter", True, False), ("a filter", "1", "2")])
    assert forgery.kind == "a position"


def test_leaves_and_replaced() -> None:
    content = {"a": [1, {"b": "c"}]}
    assert list(leaves(content)) == [(("a", 0), 1), (("a", 1, "b"), "c")]
    assert replaced(content, ("a", 1, "b"), "d") == {"a": [1, {"b": "d"}]}
    assert content == {"a": [1, {"b": "c"}]}
    cursor = read_cursor(b64(content))
    assert cursor is not None
    assert decoded(encode(cursor, content)) == content
