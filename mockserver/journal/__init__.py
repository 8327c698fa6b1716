"""The request journal: which API requests arrived. `records` keeps them (`Journal`, appended to by
the request edge, read back as `JournalRecord`s); `bodytap` keeps a write's body as it is read;
`patterns` matches records against what a test or `GET /_mock/requests` asks for, and words the
near misses. It may import the domain and storage, and nothing of Starlette, uvicorn or httpx; its
HTTP face, `GET`/`DELETE /_mock/requests`, is among the control endpoints in `http/journalroutes.py`.
"""

from __future__ import annotations

__all__: list[str] = []
