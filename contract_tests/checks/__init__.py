"""The invariants, as pure functions of what a target answered.

Each takes pages, traversals or responses already fetched and raises `ContractViolation` when an
invariant does not hold: page shape, order and its evidence across traversals, agreement of the
server's own sequences, data consistency, readable cursors forged and cursors sent where they do
not belong, email spellings, writes designed to make pagination bugs show, and the tally of every
failure class one example met (`symptoms.py`). The same functions check
the mock, a real deployment and the kit's own tests. They may import `contract_tests.spec` and
the transport's value types, never a target or pytest.
"""

__all__: list[str] = []
