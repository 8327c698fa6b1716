"""Schema conformance with Schemathesis, through the kit's own client.

Schemathesis generates the requests (valid and invalid data, missing headers) and judges the
responses with its checks; the kit sends them, so the run's GET-only rule, request budget and
rate hold for these requests too. Schemathesis' `ignored_auth` would send its probes outside
that client, so the kit brings its own check of the same promise, which goes through it.
"""

from __future__ import annotations

from typing import Any, Final

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as openapi_checks

from contract_tests.run.kit import Kit
from contract_tests.transport.shares import ShareSpent
from contract_tests.violations import ContractViolation

CHECKS: Final = (
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.positive_data_acceptance,
    openapi_checks.missing_required_header,
)
REFUSED_AUTH: Final = (401, 403)


def conformance_schema(
    spec: dict[str, Any], kit: Kit, *, thorough: bool = False, examples: int | None = None
) -> schemathesis.BaseSchema:
    """The spec loaded for Schemathesis' pytest integration, aimed at the kit's target.

    `examples` caps the cases generated per operation (default: the profile's number).
    """
    main = kit.target.main
    generation: dict[str, Any] = {"max-examples": examples or (100 if thorough else 12), "mode": "all"}
    if not thorough:
        generation.update(deterministic=True, database="none")
    config = schemathesis.Config.from_dict(
        {
            "headers": {"Authorization": f"Bearer {main.api_key}", kit.contract.tenant_header: main.tenant},
            "generation": generation,
            # Requests with other methods are not for a production target.
            "phases": {"coverage": {"unexpected-methods": []}, "stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_dict(spec, config=config)
    schema.config.update(base_url=kit.target.base_url)
    return schema


def check_case(kit: Kit, case: schemathesis.Case[Any]) -> None:
    """Send `case` through the kit's client and judge the response with Schemathesis' checks."""
    cursor = kit.contract.cursor_parameter
    # Only the server can issue a valid cursor: one Schemathesis invents is not valid data.
    if case.query and cursor in case.query and case.meta is not None and case.meta.generation.mode.is_positive:
        del case.query[cursor]
    kwargs = case.as_transport_kwargs(base_url=kit.target.base_url)
    try:
        _checked(kit, case, kwargs)
    except ShareSpent as spent:
        # Schemathesis takes a skip for the case's verdict and goes on; its next cases stop at once. The
        # property's verdict comes from the cases checked before (none checked: "not checked").
        raise pytest.skip.Exception(f"case left out: {spent}") from None


def _checked(kit: Kit, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    with kit.example():
        response = kit.client.send("GET", kwargs["url"], kwargs.get("params") or (), kwargs.get("headers") or {})
        case.validate_response(
            response,
            checks=list(CHECKS),
            additional_checks=[_auth_check(kit, kwargs)],
            headers=kwargs.get("headers"),
            transport_kwargs=kwargs,
        )


def _auth_check(kit: Kit, kwargs: dict[str, Any]) -> Any:
    checked = kit.auth_checked

    def ignored_auth(ctx: Any, response: Any, case: schemathesis.Case[Any]) -> bool | None:
        """A request that succeeded with the key must fail without it and with a wrong one."""
        label = case.operation.label
        if not 200 <= response.status_code < 300 or label in checked:
            return None
        checked.add(label)
        headers = {
            name: value for name, value in (kwargs.get("headers") or {}).items() if name.lower() != "authorization"
        }
        params = kwargs.get("params") or ()
        for scenario, extra in (("without a key", {}), ("with a wrong key", {"Authorization": "Bearer kit-wrong-key"})):
            probe = kit.client.send("GET", kwargs["url"], params, {**headers, **extra})
            if probe.status_code not in REFUSED_AUTH:
                raise ContractViolation(
                    f"authentication is not enforced on {label}",
                    f"the same request {scenario} answered {probe.status_code}, not one of {list(REFUSED_AUTH)}",
                    finding_class="auth-not-enforced",
                )
        return None

    return ignored_auth
