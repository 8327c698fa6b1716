"""Where customers are kept: the seeded index of each tenant (`seededindex.TenantStore`: columns, sort
ranks, hash lookups, Get Customer bodies), fixture files (`fixturefile`: their format, read and
checked; `stores`: the stores built from a file's tables, or from generated ones handed in), the
change log of writes (`logs` picks one: `changelog` in SQLite, `pgchangelog` in PostgreSQL), the
overlay that lays them over the seeded index (`overlay`), and the state a server serves
(`state.ServerState`), reloaded when its fixture file changes. It may import the domain, numpy,
orjson, psycopg (only once a PostgreSQL log is opened) and the standard library; never HTTP,
generation or simulation.
"""

from __future__ import annotations

__all__: list[str] = []
