"""The checks every list page gets, whichever property fetched it, as Schemathesis checks every response.

The page: its schema and its shape (count, limit echoed, `hasMore` with a cursor). Each customer
on it: its schema (the id format among it), its tenant, and the figures the spec relates within
one record (the platform's data rules, reported apart from the contract unless `strict`).
A customer seen before in the same form is not validated again: traversals see the same
customers many times, and the checks would otherwise cost more than the requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import jsonschema_rs
import orjson

from contract_tests.checks.consistency import RULES, Finding
from contract_tests.checks.invariants import check_page_shape
from contract_tests.spec.contract import Contract
from contract_tests.transport.traversal import Page
from contract_tests.violations import ContractViolation

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True


@dataclass(frozen=True)
class _Schema:
    """One schema, judged by jsonschema-rs and, only when it finds an instance invalid, explained by
    jsonschema's best match: the Rust validator is some fifty times faster on a valid customer, and
    valid customers are nearly all a run sees."""

    explain: jsonschema.protocols.Validator
    judge: jsonschema_rs.Validator | None = None

    @classmethod
    def of(cls, schema: dict[str, Any] | None) -> _Schema | None:
        if schema is None:
            return None
        explain = jsonschema.validators.validator_for(schema)(schema)
        try:
            # Formats are annotations here, as for `explain`, which is given no format checker.
            return cls(explain, jsonschema_rs.validator_for(schema, validate_formats=False))
        except (ValueError, jsonschema_rs.ReferencingError):
            return cls(explain)  # a pattern the Rust regex engine does not compile: jsonschema alone

    def error(self, instance: Any) -> jsonschema.ValidationError | None:
        if self.judge is not None and self.judge.is_valid(instance):
            return None
        return jsonschema.exceptions.best_match(self.explain.iter_errors(instance))


@dataclass
class RecordChecks:
    """The per-page and per-customer checks for one contract, remembering the customers already judged."""

    contract: Contract
    strict: bool = False
    # Every data-rule breach met so far, once each, in the order met.
    findings: list[Finding] = field(default_factory=list)
    _page: _Schema | None = None
    _item: _Schema | None = None
    _judged: dict[int, tuple[Finding, ...]] = field(default_factory=dict)
    _known: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._known = {(finding.rule, finding.customer_id) for finding in self.findings}
        self._page = _Schema.of(self.contract.page_schema)
        self._item = _Schema.of(self.contract.item_schema)

    def check(self, page: Page, params: Sequence[tuple[str, str]], tenant: str, where: str) -> None:
        """Judge `page`, the answer to `params` as `tenant` (`where` says which request, for the report)."""
        contract = self.contract
        check_page_shape(page, _requested_limit(params, contract), contract)
        if self._page is not None:
            envelope = {**page, contract.items_property: []}
            _schema_error(self._page, envelope, "a list page does not match its schema", where, "page-schema")
        breaches: list[Finding] = []
        for number, item in enumerate(page[contract.items_property], 1):
            breaches += self._record(item, tenant, f"{where}, customer {number} on the page")
        if breaches and self.strict:
            shown = "; ".join(f"{finding.rule}: {finding.customer_id}: {finding.detail}" for finding in breaches[:5])
            raise ContractViolation(
                f"{len(breaches)} data-consistency finding(s) (--strict-data)",
                f"{where}: {shown}",
                finding_class="data-consistency",
            )

    def _record(self, item: Any, tenant: str, where: str) -> tuple[Finding, ...]:
        if not isinstance(item, dict):
            raise ContractViolation(
                "a listed customer is not an object", f"{where}: {str(item)[:300]}", finding_class="record-schema"
            )
        key = hash(orjson.dumps(item, option=orjson.OPT_SORT_KEYS))
        self._tenant(item, tenant, where)
        if key in self._judged:
            return self._judged[key]
        if self._item is not None:
            _schema_error(self._item, item, "a listed customer does not match the schema", where, "record-schema")
        customer_id = str(item.get(self.contract.id_property))
        found = tuple(
            Finding(rule, customer_id, detail) for rule, judge in RULES.items() if (detail := judge(item)) is not None
        )
        self.add(found)
        self._judged[key] = found
        return found

    def add(self, findings: Sequence[Finding]) -> None:
        """Keep `findings` in `findings`, each (rule, customer) once."""
        for finding in findings:
            if (finding.rule, finding.customer_id) not in self._known:
                self._known.add((finding.rule, finding.customer_id))
                self.findings.append(finding)

    def _tenant(self, item: dict[str, Any], tenant: str, where: str) -> None:
        name = self.contract.tenant_property
        if name is not None and name in item and item[name] != tenant:
            raise ContractViolation(
                "a list answered for one tenant holds another tenant's customer",
                f"{where}: {item.get(self.contract.id_property)} has {name}={item[name]!r}, asked as tenant {tenant!r}",
                finding_class="record-other-tenant",
            )


def _schema_error(schema: _Schema, instance: Any, title: str, where: str, finding_class: str) -> None:
    error = schema.error(instance)
    if error is not None:
        at = "/".join(str(part) for part in error.absolute_path) or "(the whole)"
        raise ContractViolation(title, f"{where}: at {at}: {error.message[:300]}", finding_class=finding_class)


def _requested_limit(params: Sequence[tuple[str, str]], contract: Contract) -> int | None:
    """The `limit` the request asked for (None: the default, or one the kit did not send as a number)."""
    sent = [value for name, value in params if name == contract.limit_parameter]
    return int(sent[-1]) if sent and sent[-1].isdigit() else None
