"""A reference deployment of the Customers API over PostgreSQL or MariaDB, written as a backend team would.

Starlette over psycopg 3 or PyMySQL (a `Store` for each): rows read with SQL keyset
pagination, text columns in collations chosen when the tables are made, cursors signed with
HMAC. The suite points the contract kit at it by URL, as at any deployment. The flags of
`Deployment` reproduce bugs real keyset implementations have; they exist to prove the kit
catches them, never as options to ship.
"""

from __future__ import annotations

from tests.reference.app import create_app
from tests.reference.deployment import Deployment

__all__ = ["Deployment", "create_app"]
