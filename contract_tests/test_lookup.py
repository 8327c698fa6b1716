"""Finding one customer: the email filter, and Get Customer agreeing with the list."""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import assume, given
from hypothesis import strategies as st

from contract_tests.checks import invariants
from contract_tests.checks.email_spellings import lookup_problem, lookups
from contract_tests.checks.symptoms import Tally, first_tries
from contract_tests.run.kit import Kit
from contract_tests.spec.queries import Query, queries
from contract_tests.transport.traversal import page_of
from contract_tests.violations import ContractViolation


@given(data=st.data())
def test_email_lookup(kit: Kit, data: st.DataObject) -> None:
    """A listed customer's address finds exactly that customer, non-ASCII ones too; other spellings find what the
    spec's match rule says.

    Under ASCII-case-insensitive matching `E` finds `e`, but `É` does not find `é`, nor the
    Kelvin sign `k`, nor any other Unicode case fold, each tried alone (`checks/email_spellings.py`);
    a prefix or a longer address finds nobody. Every failure class met is reported with its count.
    """
    kit.begin()
    contract = kit.contract
    rule = next(candidate for candidate in contract.filters if not candidate.values)
    # A full page: more addresses to fold and more non-ASCII ones to look up.
    query = replace(data.draw(queries(contract), label="query"), limit=contract.limit_max)
    items = kit.page(query)[contract.items_property]
    assume(items)
    owner = data.draw(st.sampled_from(items), label="customer")
    # A spelling longer than the parameter allows is invalid input, rightly refused: not a lookup.
    tries = [
        lookup
        for lookup in lookups(items, owner, rule.field)
        if rule.max_length is None or len(lookup.spelling) <= rule.max_length
    ]
    share = kit.client.budget.share
    tally = Tally()
    for lookup in first_tries(tries, share.left if share is not None else math.inf):
        tally.tried(lookup.kind)
        response = kit.list(Query(filters=((rule.parameter, lookup.spelling),)))
        listed = page_of(response, contract)[contract.items_property] if response.status_code == 200 else []
        problem = lookup_problem(response.status_code, listed, lookup, rule, contract)
        if problem is not None:
            tally.met(
                lookup.finding_class,
                f"{lookup.kind} {problem}",
                lookup.kind,
                [kit.client.log[-1].curl()],
                f"{lookup.spelling!r} for {lookup.owner[contract.id_property]}",
            )
    tally.check()


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
