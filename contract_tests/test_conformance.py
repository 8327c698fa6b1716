"""Schema conformance of both operations: Schemathesis' checks over valid and invalid requests."""

from __future__ import annotations

from typing import Any

import schemathesis

from contract_tests.run.conformance import check_case
from contract_tests.run.kit import Kit

# Only the reads: the kit sends nothing else to a production target, and building Schemathesis' cases
# for Update Customer (its body's negative formats above all) cost half a small run for requests never sent.
# The filter goes here: the pytest integration applies its own filters to the schema the fixture returns.
schema = schemathesis.pytest.from_fixture("openapi_schema").include(method="GET")


@schema.parametrize()
def test_schema_conformance(case: schemathesis.Case[Any], kit: Kit) -> None:
    """Responses match the spec: statuses, content types, schemas, headers; bad data refused, good data served."""
    kit.begin()
    check_case(kit, case)
