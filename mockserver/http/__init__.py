"""The HTTP edge: the endpoints over plain request values, the fast path for GET and HEAD of the API
paths, the network faults in front of both, request and response helpers, body reading, size
limits, CORS, the access log, the docs page, health and the control endpoints (the request
journal's among them, `journalroutes`; what it is given at the edge, `journaling`). It may import
the domain, storage and simulation, Starlette and orjson; not generation or the server.
"""

from __future__ import annotations

__all__: list[str] = []
