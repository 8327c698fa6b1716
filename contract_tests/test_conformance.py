"""Schema conformance of both operations: Schemathesis' checks over valid and invalid requests."""

from __future__ import annotations

from typing import Any

import schemathesis

from contract_tests.run.conformance import check_case
from contract_tests.run.kit import Kit

schema = schemathesis.pytest.from_fixture("openapi_schema")


@schema.parametrize()
def test_schema_conformance(case: schemathesis.Case[Any], kit: Kit) -> None:
    """Responses match the spec: statuses, content types, schemas, headers; bad data refused, good data served."""
    kit.begin()
    check_case(kit, case)
