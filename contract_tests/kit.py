"""One run's view of its target: the contract, the client, and the requests the properties share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from contract_tests.client import Credentials, Exchange, KitClient
from contract_tests.consistency import Finding
from contract_tests.contract import Contract, Ordering
from contract_tests.queries import Query
from contract_tests.target import Target
from contract_tests.traversal import Traversal, page_of, traverse

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True


@dataclass
class Kit:
    """What every property is given: where to send requests, as whom, and by which rules to judge."""

    contract: Contract
    rules: Ordering
    target: Target
    client: KitClient
    max_pages: int
    strict_data: bool = False
    findings: list[Finding] = field(default_factory=list)
    auth_checked: set[str] = field(default_factory=set)

    def begin(self) -> None:
        """Forget the requests recorded so far: what follows is one example's reproduction."""
        self.client.log.clear()

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
        """A page of `query` that must be served (a 200)."""
        return page_of(self.list(query, cursor=cursor), self.contract)

    def traverse(self, query: Query, *, credentials: Credentials | None = None) -> Traversal:
        return traverse(
            self.client,
            self.contract,
            credentials or self.target.main,
            query.params(self.contract),
            query.order(self.contract, self.rules),
            max_pages=self.max_pages,
        )

    def get_customer(self, customer_id: str, *, credentials: Credentials | None = None) -> httpx.Response:
        path = self.contract.get_path.replace("{" + self.contract.get_id_parameter + "}", quote(customer_id, safe=""))
        return self.client.get(path, credentials=credentials or self.target.main)
