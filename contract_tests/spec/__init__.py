"""What the kit knows of the API under test, read from `openapi.yaml` alone.

Names, enums and limits (`contract`), the order a list must follow and the string collations
that define it (`ordering`, `collations`, MySQL's in `mysql`), and the valid list queries drawn from them
(`queries`). Pure: it imports nothing else of the kit but `contract_tests.violations`, and no
HTTP client.
"""

__all__: list[str] = []
