"""How the kit reaches a target: the one client (GET only, a budget, a rate, curl lines with the
key hidden), each property's share of the budget, and traversals that follow cursors page by page.

It may import `contract_tests.spec` and `contract_tests.violations`; nothing here judges an answer.
"""

__all__: list[str] = []
