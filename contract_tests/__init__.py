"""Contract tests for FlexPortal-compatible List Customers and Get Customer deployments.

PYTEST_DONT_REWRITE: pytest rewrites the asserts of every package of a distribution that carries
a pytest plugin, as this one does, and warns about a package imported before it started, as
`python -m contract_tests` imports this one. This module has no assert to rewrite.
"""
