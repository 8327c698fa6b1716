"""Contract tests for FlexPortal-compatible List Customers and Get Customer deployments."""
