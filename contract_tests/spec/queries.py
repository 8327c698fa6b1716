"""Valid list queries, as values and as Hypothesis strategies drawn from the contract."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

from contract_tests.spec.contract import Contract, Ordering
from contract_tests.spec.ordering import ListOrder


@dataclass(frozen=True, slots=True)
class Query:
    """One list query; None for sort, order or limit means "leave it out and get the default"."""

    filters: tuple[tuple[str, str], ...] = ()
    sort_by: str | None = None
    sort_order: str | None = None
    limit: int | None = None

    def params(self, contract: Contract) -> list[tuple[str, str]]:
        """The query string's parameters, without a cursor."""
        params = list(self.filters)
        if self.sort_by is not None:
            params.append((contract.sort_parameter, self.sort_by))
        if self.sort_order is not None:
            params.append((contract.order_parameter, self.sort_order))
        if self.limit is not None:
            params.append((contract.limit_parameter, str(self.limit)))
        return params

    def order(self, contract: Contract, rules: Ordering) -> ListOrder:
        """The order its traversal must follow."""
        sort_by = self.sort_by or contract.sort_default
        descending = (self.sort_order or contract.order_default) == "desc"
        return ListOrder(sort_by=sort_by, descending=descending, rules=rules)

    def with_filter(self, name: str, value: str) -> Query:
        kept = tuple((key, old) for key, old in self.filters if key != name)
        return replace(self, filters=(*kept, (name, value)))

    def without_filter(self, name: str) -> Query:
        return replace(self, filters=tuple((key, value) for key, value in self.filters if key != name))

    def reversed(self, contract: Contract) -> Query:
        """The same query in the other direction."""
        current = self.sort_order or contract.order_default
        return replace(self, sort_order="asc" if current == "desc" else "desc")


def limits(contract: Contract) -> st.SearchStrategy[int]:
    """Page sizes the spec allows, small ones (many page boundaries) drawn more often."""
    small = st.integers(contract.limit_min, min(contract.limit_min + 9, contract.limit_max))
    return st.one_of(small, st.integers(contract.limit_min, contract.limit_max))


@st.composite
def queries(draw: st.DrawFn, contract: Contract) -> Query:
    """A valid query: any combination of the few-valued filters, any sort, any direction, any limit."""
    filters = []
    for rule in contract.partitioning_filters:
        value = draw(st.none() | st.sampled_from(rule.values))
        if value is not None:
            filters.append((rule.parameter, value))
    return Query(
        filters=tuple(filters),
        sort_by=draw(st.none() | st.sampled_from(contract.sort_fields)),
        sort_order=draw(st.none() | st.sampled_from(("asc", "desc"))),
        limit=draw(st.none() | limits(contract)),
    )
