"""The mock inside a test process, for the pytest plugin: a fixture's configuration from ini options
and markers (`config`), the handle a test gets with its seeded records (`handle`), and the requests
the mock answered, with `assert_requested` (`requests`). It sits at the top beside `app.py` and may
import any layer, but imports only pytest, the standard library and the defaults until a fixture is
used; the app, the server and the data are imported then.
"""

from __future__ import annotations

__all__: list[str] = []
