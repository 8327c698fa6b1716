"""One run's view of its target: the contract, the client, and the requests the properties share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote

import httpx
from hypothesis.errors import UnsatisfiedAssumption

from contract_tests.checks.consistency import Finding
from contract_tests.checks.order_evidence import OrderEvidence
from contract_tests.checks.records import RecordChecks
from contract_tests.run.coverage import Coverage
from contract_tests.run.plan import Plan
from contract_tests.run.target import Target
from contract_tests.spec.contract import Contract, Ordering
from contract_tests.spec.queries import Query
from contract_tests.transport.client import BudgetExhausted, Credentials, Exchange, KitClient, TargetUnavailable
from contract_tests.transport.traversal import Traversal, page_of, traverse

# Where a mock describes its control endpoints; the real API answers 404 there.
CONTROL_PATH: Final = "/_mock"

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True


@dataclass(repr=False)
class Kit:
    """What every property is given: where to send requests, as whom, and by which rules to judge."""

    contract: Contract
    rules: Ordering
    target: Target
    client: KitClient
    max_pages: int
    strict_data: bool = False
    allow_writes: bool = False
    plan: Plan | None = None
    findings: list[Finding] = field(default_factory=list)
    # Changes the kit made to a deployment and could not undo, one line each, for the summary.
    unrestored: list[str] = field(default_factory=list)
    auth_checked: set[str] = field(default_factory=set)
    # What the run's traversals said about string orders, for the collation `any`.
    evidence: OrderEvidence = field(default_factory=OrderEvidence)
    # What the run's traversals covered, per property, for the enumeration's bookkeeping and the summary.
    coverage: Coverage = field(default_factory=Coverage)
    _controls: dict[str, str] | None = None
    _records: RecordChecks | None = None

    def __post_init__(self) -> None:
        # The data rules' findings on every page land in `findings`, once each.
        self._records = RecordChecks(self.contract, strict=self.strict_data, findings=self.findings)

    def __repr__(self) -> str:
        """Short: Hypothesis prints a property's arguments with every failure it reports."""
        where = "an in-process mock" if self.target.in_process else self.target.base_url
        return f"Kit({where}, tenant {self.target.main.tenant})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """The same short form where Hypothesis (and IPython) pretty-print, which otherwise walk every field."""
        printer.text(repr(self))

    def begin(self) -> None:
        """Forget the requests recorded so far: what follows is one example's reproduction."""
        self.client.log.clear()

    @contextmanager
    def example(self) -> Iterator[None]:
        """One example of the property under way, counted against its share of the budget.

        An example that would not fit what is left of the share ends the property instead of
        starting; one that ends normally counts as checked; one that fails is kept, with its
        requests, as the failure to report should the share run out while it is shrunk.
        """
        share = self.client.budget.share
        if share is None:
            yield
            return
        share.begin()
        try:
            yield
        except UnsatisfiedAssumption:
            raise
        except Exception as error:
            share.failed(error, self.client.log)
            raise
        share.passed()

    @property
    def recorded(self) -> list[Exchange]:
        return list(self.client.log)

    def list(
        self, query: Query, *, cursor: str | None = None, credentials: Credentials | None = None
    ) -> httpx.Response:
        params = query.params(self.contract)
        if cursor is not None:
            params.append((self.contract.cursor_parameter, cursor))
        return self.client.get(self.contract.list_path, params, credentials=credentials or self.target.main)

    def page(self, query: Query, *, cursor: str | None = None) -> dict[str, Any]:
        """A page of `query` that must be served (a 200), judged by the checks every page gets."""
        page = page_of(self.list(query, cursor=cursor), self.contract)
        params = query.params(self.contract)
        shown = "&".join(f"{name}={value}" for name, value in params) or "(no parameters)"
        where = f"the page after a cursor of {shown}" if cursor is not None else f"the first page of {shown}"
        self.check_page(page, params, self.target.main.tenant, where)
        return page

    def traverse(self, query: Query, *, credentials: Credentials | None = None) -> Traversal:
        """Every page of `query` (up to the page cap), each judged by the checks every page gets."""
        self.coverage.traversed(query, self.contract)
        return traverse(
            self.client,
            self.contract,
            credentials or self.target.main,
            query.params(self.contract),
            query.order(self.contract, self.rules),
            max_pages=self.max_pages,
            check=self.check_page,
        )

    def add_findings(self, findings: Sequence[Finding]) -> None:
        """Data-rule findings for the summary, each (rule, customer) once however often it was met."""
        assert self._records is not None
        self._records.add(findings)

    def check_page(self, page: dict[str, Any], params: Sequence[tuple[str, str]], tenant: str, where: str) -> None:
        """The per-page and per-customer checks (`checks.records`), on a page answered to `params` as `tenant`."""
        assert self._records is not None
        self._records.check(page, params, tenant, where)

    def get_customer(self, customer_id: str, *, credentials: Credentials | None = None) -> httpx.Response:
        return self.client.get(self._customer_path(customer_id), credentials=credentials or self.target.main)

    def controls(self, client: KitClient | None = None) -> Mapping[str, str] | None:
        """The control endpoints of a mock that offers them (asked once, with a GET through `client`)."""
        if self._controls is None:
            response = (client or self.client).get(CONTROL_PATH, credentials=self.target.main)
            body = _json_object(response) if response.status_code == 200 else {}
            offered = {"orders", "reset"} <= body.keys() and all(isinstance(body[name], str) for name in body)
            self._controls = {name: body[name] for name in ("orders", "reset")} if offered else {}
        return self._controls or None

    def update_customer(self, customer_id: str, patch: Mapping[str, Any]) -> httpx.Response:
        """Update Customer: a write, only to a mock that offers `controls` or with writes allowed."""
        if not (self.allow_writes or self.controls()):
            raise PermissionError("the kit writes to a deployment only with --allow-writes")
        return self.client.write("PATCH", self._customer_path(customer_id), patch, credentials=self.target.main)

    def restore_customer(self, customer_id: str, patch: Mapping[str, Any]) -> None:
        """Put fields back with Update Customer; what fails is listed in `unrestored`, never raised.

        The request is `essential`: it may use the budget's reserve, so a property whose share
        ran out mid-example still undoes what it did.
        """
        path = self._customer_path(customer_id)
        try:
            response = self.client.write("PATCH", path, patch, credentials=self.target.main, essential=True)
        except (BudgetExhausted, TargetUnavailable) as error:
            self.unrestored.append(f"{customer_id}: PATCH {path} {dict(patch)} not sent ({error})")
            return
        if not response.is_success:
            self.unrestored.append(
                f"{customer_id}: PATCH {path} {dict(patch)} answered {response.status_code}: {response.text[:200]}"
            )

    def control(self, name: str, body: Mapping[str, Any] | None = None, *, essential: bool = False) -> httpx.Response:
        """POST to the control endpoint `name` (`orders`, `reset`) of a target that offers them."""
        controls = self.controls()
        assert controls is not None, "the target offers no control endpoints"
        return self.client.write("POST", controls[name], body, credentials=self.target.main, essential=essential)

    def _customer_path(self, customer_id: str) -> str:
        return self.contract.get_path.replace("{" + self.contract.get_id_parameter + "}", quote(customer_id, safe=""))


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
