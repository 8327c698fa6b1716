"""One run of the kit: its target (a URL, or the mock served in this process), the plan that shares
the request budget among the properties, the preflight that ends a hopeless run at once,
Schemathesis' conformance checks, and the closing summary.

It is the only layer that may import the mock, and only in `run/target.py`; the properties
(`contract_tests/test_*.py`) and `conftest.py` sit above it.
"""

__all__: list[str] = []
