"""Contract tests for FlexPortal-compatible List Customers and Get Customer deployments.

The public interface is the command line (`python -m contract_tests`, or `flexportal-contract`):
its options and their environment variables, its exit statuses and its reports (JUnit, JSON,
baseline, the summary). No module of this package is public: each is internal, typed for the
project's own use and changed without notice.

PYTEST_DONT_REWRITE: pytest rewrites the asserts of every package of a distribution that carries
a pytest plugin, as this one does, and warns about a package imported before it started, as
`python -m contract_tests` imports this one. This module has no assert to rewrite.
"""
