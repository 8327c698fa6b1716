"""Who may see what: keys are enforced, the tenant header is required, and tenants never mix."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from contract_tests.checks import invariants
from contract_tests.run.kit import Kit
from contract_tests.spec.queries import queries

WRONG_KEY = "kit-wrong-key"
UNKNOWN_TENANT = "kit-no-such-tenant"
UNAUTHENTICATED = frozenset({401})


def test_authentication(kit: Kit) -> None:
    """No key or a wrong key: 401. No tenant header or an unknown tenant: a documented 4xx."""
    kit.begin()
    contract, main = kit.contract, kit.target.main
    key = {"Authorization": f"Bearer {main.api_key}"}
    cases = {
        "a request without Authorization": ({contract.tenant_header: main.tenant}, UNAUTHENTICATED),
        "a request with a wrong key": (
            {"Authorization": f"Bearer {WRONG_KEY}", contract.tenant_header: main.tenant},
            UNAUTHENTICATED,
        ),
        f"a request without {contract.tenant_header}": (key, contract.list_statuses),
        "a request for an unknown tenant": ({**key, contract.tenant_header: UNKNOWN_TENANT}, contract.list_statuses),
    }
    for what, (headers, statuses) in cases.items():
        response = kit.client.get(contract.list_path, credentials=None, headers=headers)
        invariants.check_rejected(response, statuses, contract.error_schema, what, finding_class="auth-not-enforced")


@given(data=st.data())
def test_tenant_isolation(kit: Kit, data: st.DataObject) -> None:
    """Two tenants share no customer, refuse each other's cursors and cannot get each other's customers."""
    other = kit.target.other
    if other is None:
        pytest.skip("needs --other-tenant")
    kit.begin()
    contract = kit.contract
    query = data.draw(queries(contract), label="query")
    mine = kit.traverse(query)
    theirs = kit.traverse(query, credentials=other)
    invariants.check_disjoint(mine.ids, theirs.ids, kit.target.main.tenant, other.tenant)
    assume(mine.items)
    customer = data.draw(st.sampled_from(mine.items), label="customer")
    response = kit.get_customer(customer[contract.id_property], credentials=other)
    invariants.check_rejected(
        response,
        contract.get_statuses,
        contract.error_schema,
        f"another tenant's customer ({customer[contract.id_property]})",
        finding_class="tenant-customer-readable",
    )
    cursor = mine.pages[0].get(contract.next_cursor_property)
    if cursor:
        response = kit.list(query, cursor=cursor, credentials=other)
        invariants.check_rejected(
            response,
            contract.list_statuses,
            contract.error_schema,
            "another tenant's cursor",
            finding_class="cursor-not-bound-to-tenant",
        )
