"""`CursorCodec` on its own: round trips, binding to tenant and query, and tamper evidence."""

from __future__ import annotations

import base64
import string

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver import Settings
from mockserver.domain.cursor import MINTED_KEPT, CursorCodec
from mockserver.domain.errors import InvalidCursor
from mockserver.domain.query import MAX_CURSOR_LENGTH

CODEC = CursorCodec(b"0123456789abcdef0123456789abcdef")
FINGERPRINT = ["firstName", "asc", None, "business", True, None]

names = st.text(min_size=0, max_size=100)


@given(
    position=st.tuples(names, st.text(min_size=1, max_size=128)),
    tenant=st.from_regex(r"[a-z][a-z0-9-]{0,63}", fullmatch=True),
)
def test_round_trip_and_bounded_length(position: tuple[str, str], tenant: str) -> None:
    token = CODEC.encode(tenant, FINGERPRINT, position)
    assert len(token) <= MAX_CURSOR_LENGTH
    assert token.isascii()
    assert CODEC.decode(token, tenant, FINGERPRINT) == (position, 0)
    # A replica sharing the secret never minted it: it reads the cursor from its text alone.
    assert CursorCodec(CODEC.secret).decode(token, tenant, FINGERPRINT) == (position, 0)


def test_the_longest_position_the_contract_allows_fits_the_parameter() -> None:
    """Names of 100 escaped characters, a 254-character email of quotes, a 128-character id, a 64-character tenant,
    a snapshot of 19 digits."""
    tenant = "t" * 64
    for field, value in (("firstName", "\x01" * 100), ("lastName", "\U0001f600" * 100), ("email", '"' * 254)):
        fingerprint: list[str | bool | None] = [field, "desc", "inactive", "individual", False, None]
        token = CODEC.encode(tenant, fingerprint, (value, "c" * 128), 2**63 - 1)
        assert len(token) <= MAX_CURSOR_LENGTH
        assert CODEC.decode(token, tenant, fingerprint) == ((value, "c" * 128), 2**63 - 1)


def test_encoding_is_deterministic() -> None:
    assert CODEC.encode("acme", FINGERPRINT, ("Zoë", "cus_1")) == CODEC.encode("acme", FINGERPRINT, ("Zoë", "cus_1"))


@pytest.mark.parametrize("reader", ["the codec that minted it", "another with the same secret"])
def test_bound_to_tenant_query_and_secret(reader: str) -> None:
    token = CODEC.encode("acme", FINGERPRINT, ("Zoë", "cus_1"))
    codec = CODEC if reader == "the codec that minted it" else CursorCodec(CODEC.secret)
    with pytest.raises(InvalidCursor, match="^startAfter was issued for another tenant$"):
        codec.decode(token, "globex", FINGERPRINT)
    with pytest.raises(InvalidCursor, match="different query.*: sortBy=firstName&sortOrder=asc&customerType=business"):
        codec.decode(token, "acme", ["firstName", "desc", None, "business", True, None])
    with pytest.raises(InvalidCursor, match="altered"):
        CursorCodec(b"another secret of 32 bytes......").decode(token, "acme", FINGERPRINT)


def test_position_type_must_fit_the_sort_field() -> None:
    token = CODEC.encode("acme", ["createdAt", "asc", None, None, None, None], ("2024-01-01", "cus_1"))
    with pytest.raises(InvalidCursor, match="wrong type"):
        CODEC.decode(token, "acme", ["createdAt", "asc", None, None, None, None])


@given(st.text(max_size=300))
def test_arbitrary_text_never_decodes(text: str) -> None:
    with pytest.raises(InvalidCursor):
        CODEC.decode(text, "acme", FINGERPRINT)


def test_every_single_character_change_is_detected() -> None:
    """Exhaustive, because base64 lets some characters change without changing the decoded bytes."""
    token = CODEC.encode("acme", FINGERPRINT, ("Zoë", "cus_1"))
    alphabet = string.ascii_letters + string.digits + "-_.="
    for index in range(len(token)):
        for replacement in alphabet:
            changed = token[:index] + replacement + token[index + 1 :]
            if changed != token:
                with pytest.raises(InvalidCursor):
                    CODEC.decode(changed, "acme", FINGERPRINT)


def test_a_cursor_shows_only_what_its_page_showed() -> None:
    """The payload is the version, the tenant, the query, the last customer's sort value and id, and the snapshot.

    The snapshot is the number of the last write to the data, which any client of the mock can make.
    """
    token = CODEC.encode("acme", FINGERPRINT, ("Zoë", "cus_1"), 3)
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert orjson.loads(decoded) == [2, "acme", FINGERPRINT, "Zoë", "cus_1", 3]


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    forged = CursorCodec(b"an attacker's guess of the key!!").encode("acme", FINGERPRINT, ("Zoë", "cus_1"))
    with pytest.raises(InvalidCursor):
        CODEC.decode(forged, "acme", FINGERPRINT)


def test_each_settings_value_gets_its_own_random_key() -> None:
    one, two = Settings(), Settings()
    assert len(one.cursor_secret) == 32 and one.cursor_secret != two.cursor_secret
    assert "cursor_secret" not in repr(one)


def test_another_spelling_of_the_signature_is_not_a_cursor_rather_than_an_altered_one() -> None:
    """The last base64 character carries four unused bits: flipping one leaves the signature's bytes alone."""
    token = CODEC.encode("acme", FINGERPRINT, ("Zoë", "cus_1"))
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    respelled = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    with pytest.raises(InvalidCursor, match="not a cursor this API issued"):
        CODEC.decode(respelled, "acme", FINGERPRINT)


def test_the_cursors_a_codec_remembers_are_bounded_and_the_forgotten_still_decode() -> None:
    codec = CursorCodec(b"a secret for this test only.....")
    tokens = [codec.encode("acme", FINGERPRINT, ("Zoë", f"cus_{number}")) for number in range(MINTED_KEPT + 10)]
    assert codec.remembered() == MINTED_KEPT and not codec.remembers(tokens[0]) and codec.remembers(tokens[-1])
    assert codec.decode(tokens[0], "acme", FINGERPRINT) == (("Zoë", "cus_0"), 0)
    assert codec.decode(tokens[-1], "acme", FINGERPRINT) == (("Zoë", f"cus_{MINTED_KEPT + 9}"), 0)
