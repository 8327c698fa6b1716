"""Replicas sharing one PostgreSQL database while it is out of reach: 503s at once, no replica held, nothing lost.

The database's connections are cut, refused, or left unanswered by stopping its server
processes; each replica answers 503 in the envelope meanwhile and serves again by itself.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from mockserver.storage import pgchangelog
from tests.helpers import RunningMock
from tests.mock.replicas import HEADERS, call, replica_backends, served_again
from tests.postgres import Cluster

pytestmark = pytest.mark.slow(seconds=55)
CLIENT_TIMEOUT = 20 * pgchangelog.ANSWER_SECONDS  # a guard far past any bound of the replica's own
UNANSWERED = f"did not answer within {pgchangelog.ANSWER_SECONDS:g} s"


def test_a_replica_without_its_database_answers_503_and_recovers(
    replicas: tuple[RunningMock, RunningMock], postgres_cluster: Cluster, database: str
) -> None:
    a, b = replicas
    name = database.rsplit("/", 1)[1]
    terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
    with psycopg.connect(postgres_cluster.dsn(), autocommit=True) as admin:
        # A connection lost while the database is up again: the next request reconnects, unharmed.
        admin.execute(terminate, (name,))
        assert call(a, "GET", "/v1/customers", params={"limit": 1}).status_code == 200
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        admin.execute(terminate, (name,))
        for replica in (a, b):
            for method, path, body in (("GET", "/v1/customers", None), ("POST", "/_mock/orders", {"email": "x@y.z"})):
                answer = call(replica, method, path, json=body)
                assert answer.status_code == 503, answer.text
                assert answer.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    order = call(a, "POST", "/_mock/orders", json={"email": "back@replicas.example"})
    assert order.status_code == 201, order.text
    found = call(b, "GET", "/v1/customers", params={"email": "back@replicas.example"}).json()["customers"]
    assert len(found) == 1


def test_a_database_that_stops_answering_holds_no_replica_and_is_served_again_once_back(
    replicas: tuple[RunningMock, RunningMock], postgres_cluster: Cluster, database: str
) -> None:
    # Stopped server processes keep their connections open: the kernel acknowledges every packet,
    # so only the replica's own bound can end its wait.
    a, b = replicas
    assert call(a, "GET", "/v1/customers", params={"limit": 1}).status_code == 200
    assert call(b, "GET", "/v1/customers", params={"limit": 1}).status_code == 200
    stalled = replica_backends(postgres_cluster, database)
    assert len(stalled) == 2
    for pid in stalled:
        os.kill(pid, signal.SIGSTOP)
    try:
        for replica, method, path, body in (
            (a, "GET", "/v1/customers", None),
            (b, "POST", "/_mock/orders", {"email": "stalled@replicas.example"}),
        ):
            # One connection for both requests, so that the second follows the first at once.
            with httpx.Client(base_url=replica.base_url, headers=HEADERS, timeout=CLIENT_TIMEOUT) as client:
                began = time.monotonic()
                answer = client.request(method, path, json=body)
                waited = time.monotonic() - began
                # Only the replica's bound ended the wait (the client's own is far longer): its message says so.
                assert answer.status_code == 503, answer.text
                assert UNANSWERED in answer.json()["error"]["message"]
                assert answer.headers["retry-after"] == str(round(pgchangelog.QUIET_SECONDS))
                assert waited >= pgchangelog.ANSWER_SECONDS, f"{method} {path} waited {waited:.1f} s"
                began = time.monotonic()
                # The quiet second's requests are not held again: none waits for the database's bound.
                assert client.get("/v1/customers", params={"limit": 1}).status_code == 503
                assert time.monotonic() - began < pgchangelog.ANSWER_SECONDS
    finally:
        for pid in stalled:
            os.kill(pid, signal.SIGCONT)
    order = served_again(a, "POST", "/_mock/orders", json={"email": "back@replicas.example"})
    assert order.status_code == 201, order.text
    for email, count in (("stalled@replicas.example", 0), ("back@replicas.example", 1)):
        assert len(served_again(b, "GET", "/v1/customers", params={"email": email}).json()["customers"]) == count


def test_a_write_waiting_on_a_stalled_writers_lock_answers_503_and_writes_nothing(
    replicas: tuple[RunningMock, RunningMock], database: str
) -> None:
    a, b = replicas
    with psycopg.connect(database) as stalled_writer:
        # A replica frozen in the middle of a write holds the log's lock until its transaction ends.
        stalled_writer.execute("SELECT pg_advisory_xact_lock(%s)", (pgchangelog.LOCK,))
        answer = call(a, "POST", "/_mock/orders", json={"email": "waited@replicas.example"})
        # The replica's bound ended the wait for the lock, long before the client's own.
        assert answer.status_code == 503, answer.text
        assert UNANSWERED in answer.json()["error"]["message"]
        stalled_writer.rollback()
    order = served_again(a, "POST", "/_mock/orders", json={"email": "after@replicas.example"})
    assert order.status_code == 201, order.text
    assert (
        served_again(b, "GET", "/v1/customers", params={"email": "waited@replicas.example"}).json()["customers"] == []
    )


def test_connections_cut_mid_write_give_503_or_success_and_lose_nothing_acknowledged(
    replicas: tuple[RunningMock, RunningMock], postgres_cluster: Cluster, database: str
) -> None:
    a, b = replicas
    name = database.rsplit("/", 1)[1]
    answers: dict[str, int] = {}

    def write(worker: int) -> None:
        with httpx.Client(base_url=a.base_url, headers=HEADERS, timeout=20) as client:
            for number in range(60):
                email = f"cut{worker}-{number}@replicas.example"
                answers[email] = client.post("/_mock/orders", json={"email": email}).status_code

    writers = [threading.Thread(target=write, args=(worker,)) for worker in range(3)]
    for writer in writers:
        writer.start()
    with psycopg.connect(postgres_cluster.dsn(), autocommit=True) as admin:
        while any(writer.is_alive() for writer in writers):
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                (name, "flexportal-mock"),
            )
            threading.Event().wait(0.05)
    for writer in writers:
        writer.join()
    assert set(answers.values()) <= {201, 503}, answers
    assert 503 in answers.values() and 201 in answers.values()
    for email, status in answers.items():
        # The cuts closed b's connection too: it answers 503 until it has reconnected.
        found = served_again(b, "GET", "/v1/customers", params={"email": email}).json()["customers"]
        if status == 201:
            assert len(found) == 1, f"{email} was acknowledged and is lost"


def test_a_database_server_that_stops_answering_altogether_holds_a_replica_a_moment_per_reconnection(
    replicas: tuple[RunningMock, RunningMock], postgres_cluster: Cluster, database: str
) -> None:
    # With the postmaster stopped too, a new connection is accepted by the kernel and then left
    # unanswered until its connect timeout: as when the database's host is gone.
    a, _ = replicas
    assert call(a, "GET", "/v1/customers", params={"limit": 1}).status_code == 200
    stopped = replica_backends(postgres_cluster, database)
    postmaster = int(Path(f"/proc/{stopped[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])
    stopped.append(postmaster)
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        assert UNANSWERED in call(a, "GET", "/v1/customers").json()["error"]["message"]
        time.sleep(pgchangelog.QUIET_SECONDS)  # past the quiet second: each request may now try to reconnect, none can
        held = []
        until = time.monotonic() + 2 * pgchangelog.CONNECT_TIMEOUT_SECONDS + 1  # two connection attempts and more
        while time.monotonic() < until:
            began = time.monotonic()
            answer = call(a, "GET", "/v1/customers", params={"limit": 1})
            held.append(round(time.monotonic() - began, 2))
            assert answer.status_code == 503 and answer.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
            time.sleep(0.05)
        # Made on the event loop, a connection attempt would hold its request for the whole connect timeout.
        assert max(held) < pgchangelog.CONNECT_TIMEOUT_SECONDS, held
    finally:
        for pid in reversed(stopped):
            os.kill(pid, signal.SIGCONT)
    assert served_again(a, "GET", "/v1/customers", params={"limit": 1}).status_code == 200
