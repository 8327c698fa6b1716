"""Finding one customer: the email filter, and Get Customer agreeing with the list."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from contract_tests.checks import invariants
from contract_tests.run.kit import Kit
from contract_tests.spec.queries import Query, queries
from contract_tests.violations import ContractViolation

EMAIL_VARIANTS = ("exact", "swapped case", "non-ASCII case", "prefix", "extended")
# Letters outside ASCII that Unicode case mapping turns into ASCII ones: KELVIN SIGN lowers to "k",
# LONG S uppers to "S", DOTLESS I uppers to "I". Under the spec's ASCII-only folding none of them
# matches, just as "É" does not match "é"; a server folding with lower()/upper() matches them.
UNICODE_CASE_TWINS = str.maketrans({"k": "\u212a", "K": "\u212a", "s": "\u017f", "S": "\u017f", "i": "\u0131"})


def non_ascii_case(email: str) -> str:
    """`email` with every letter Unicode case mapping relates to another changed for it: non-ASCII
    letters in the other case (`é` for `É`), ASCII ones for their non-ASCII twins."""
    return "".join(char.swapcase() if not char.isascii() else char for char in email).translate(UNICODE_CASE_TWINS)


def _variant(email: str, kind: str) -> str:
    if kind == "swapped case":
        return "".join(char.swapcase() if char.isascii() else char for char in email)
    if kind == "non-ASCII case":
        return non_ascii_case(email)
    if kind == "prefix":
        return email[:-1]
    if kind == "extended":
        return email + "x"
    return email


@given(data=st.data())
def test_email_lookup(kit: Kit, data: st.DataObject) -> None:
    """A listed customer's email finds exactly that customer; other spellings find what the spec's rule says.

    Under ASCII-case-insensitive matching, `E` finds `e` but `É` does not find `é`, nor the
    Kelvin sign `k`: those spellings must list nobody (no other customer can match them either).
    """
    kit.begin()
    contract = kit.contract
    rule = next(candidate for candidate in contract.filters if not candidate.values)
    items = kit.page(data.draw(queries(contract), label="query"))[contract.items_property]
    assume(items)
    owner = data.draw(st.sampled_from(items), label="customer")
    kind = data.draw(st.sampled_from(EMAIL_VARIANTS), label="spelling")
    email = _variant(owner[rule.field], kind)
    assume(email and (kind == "exact" or email != owner[rule.field]))
    # A spelling longer than the parameter allows is invalid input, rightly refused: not a lookup.
    assume(rule.max_length is None or len(email) <= rule.max_length)
    found = kit.page(Query(filters=((rule.parameter, email),)))[contract.items_property]
    invariants.check_email_lookup(found, email, owner, rule, contract)


@given(data=st.data())
def test_get_list_agreement(kit: Kit, data: st.DataObject) -> None:
    """Get Customer for a listed id answers 200 with every field the list showed, unchanged."""
    kit.begin()
    contract = kit.contract
    items = kit.page(data.draw(queries(contract), label="query"))[contract.items_property]
    assume(items)
    item = data.draw(st.sampled_from(items), label="customer")
    response = kit.get_customer(item[contract.id_property])
    if response.status_code != 200:
        raise ContractViolation(
            "Get Customer does not find a listed customer",
            f"{item[contract.id_property]} answered {response.status_code}: {response.text[:300]}",
        )
    invariants.check_detail_matches_item(item, response.json().get(contract.item_property), contract)
