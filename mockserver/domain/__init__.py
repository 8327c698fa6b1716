"""The API's rules, free of any framework: errors and their envelope codes, the OpenAPI document, what
a customer record is, the total order of a list, query parsing (`ListQuery`), signed cursors,
authentication, the rules of an edit, profitability figures and the configuration defaults. It may
import the standard library and pure libraries (jsonschema, PyYAML, orjson), and nothing of
Starlette, uvicorn or httpx, nor of any other layer of the mock.
"""

from __future__ import annotations

__all__: list[str] = []
