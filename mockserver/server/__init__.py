"""Running the app with uvicorn: the HTTP/1.1 protocol class every server of the mock uses, the
listening socket, the server in a background thread (pytest plugin, contract kit, tests), the
logging configuration of the command line and what it writes outside uvicorn's logs. It may import
the HTTP edge and everything below it, and uvicorn; it is the only layer that does.
"""

from __future__ import annotations

__all__: list[str] = []
