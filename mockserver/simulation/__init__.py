"""What a request may ask to be simulated, and doing it: latency, faults, forced statuses, empty and
slow answers (`simulator`), the `Prefer` header (`prefer`), per-key rate limits (`ratelimit`) and
which network faults an answer meets (`netfaults`, carried out on the wire by `mockserver/http/wirefaults.py`). It
may import the domain and the standard library; nothing of HTTP, storage or generation.
"""

from __future__ import annotations

__all__: list[str] = []
