"""Helpers of the replica tests: how a replica is started over a shared database, and how it is called."""

from __future__ import annotations

import time
from typing import Any

import httpx
import psycopg

from tests.helpers import RunningMock, headers
from tests.postgres import Cluster

KEY = "replica-key"
HEADERS = headers(KEY)


def replica_args(url: str) -> tuple[str, ...]:
    return (
        "--customers", "120", "--seed", "5", "--api-key", KEY, "--cursor-secret", "replicas-share-this-secret",
        "--log-level", "warning", "--state", url,
    )  # fmt: skip


def call(mock: RunningMock, method: str, path: str, **kwargs: Any) -> httpx.Response:
    with httpx.Client(base_url=mock.base_url, headers=HEADERS, timeout=20) as client:
        return client.request(method, path, **kwargs)


def served_again(mock: RunningMock, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The first answer that is not a 503: a replica recovers by itself. The minute only stops a hang;
    a busy machine may take seconds to reconnect, and how fast is not what these tests prove."""
    deadline = time.monotonic() + 60
    while (answer := call(mock, method, path, **kwargs)).status_code == 503:
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.1)
    return answer


def replica_backends(cluster: Cluster, database: str) -> list[int]:
    """The process ids of the database's server processes that serve the replicas' connections."""
    backends = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = 'flexportal-mock'"
    with psycopg.connect(cluster.dsn(), autocommit=True) as admin:
        return [pid for (pid,) in admin.execute(backends, (database.rsplit("/", 1)[1],))]
