"""The HTTP edge: the request edge in front of everything (`edge`: network faults carried out on the
wire by `wirefaults`, the access log, the journal's entry, size limits, CORS and the error envelope,
then the dispatch of the API's reads), the endpoints over plain request values, request and
response helpers, body reading, the docs page, health and the control endpoints (the request
journal's among them, `journalroutes`). It may import the journal, the domain, storage and
simulation, Starlette and orjson; not generation or the server.
"""

from __future__ import annotations

__all__: list[str] = []
