"""`--state postgresql://…`: replicas on separate ports share one database's change log.

Each test runs two mock processes with the same seed and cursor secret over a fresh database
of the private cluster: they serve each other's writes and cursors, race for one email, lose
nothing acknowledged when one is killed, and answer 503 while the database is out of reach.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from mockserver.cli import build_parser, settings_from
from mockserver.settings import Settings
from tests.docs.pages import ROOT, blocks, section
from tests.helpers import RunningMock, free_port, missing_here, mock_command, running_mock
from tests.mock.replicas import HEADERS, call, replica_args
from tests.postgres import Cluster

pytestmark = pytest.mark.slow(seconds=25)


def test_a_write_through_one_replica_is_served_by_the_other_at_once(replicas: tuple[RunningMock, RunningMock]) -> None:
    a, b = replicas
    assert "***@" in a.banner and "replicas-share" not in a.banner
    first = call(b, "GET", "/v1/customers", params={"limit": 1}).json()["customers"][0]
    patched = call(a, "PATCH", f"/v1/customers/{first['customerId']}", json={"lastName": "Replicated"})
    assert patched.status_code == 200, patched.text
    assert call(b, "GET", f"/v1/customers/{first['customerId']}").json()["customer"]["lastName"] == "Replicated"
    order = call(b, "POST", "/_mock/orders", json={"email": "new@replicas.example"})
    assert order.status_code == 201, order.text
    found = call(a, "GET", "/v1/customers", params={"email": "NEW@replicas.example"}).json()["customers"]
    assert [item["customerId"] for item in found] == [order.json()["customer"]["customerId"]]
    assert call(a, "GET", "/healthz").json()["tenants"]["acme"] == 121
    assert call(b, "POST", "/_mock/reset").status_code == 204
    assert call(a, "GET", "/healthz").json()["tenants"]["acme"] == 120
    assert call(a, "GET", f"/v1/customers/{first['customerId']}").json()["customer"]["lastName"] == first["lastName"]


def test_cursors_pass_between_replicas_and_pagination_under_change_keeps_its_promise(
    replicas: tuple[RunningMock, RunningMock],
) -> None:
    a, b = replicas
    first = call(a, "GET", "/v1/customers", params={"limit": 100}).json()
    rest = call(b, "GET", "/v1/customers", params={"limit": 100, "startAfter": first["nextCursor"]}).json()
    before = [item["customerId"] for item in first["customers"] + rest["customers"]]
    assert len(set(before)) == 120 and not rest["hasMore"]
    params: dict[str, Any] = {"limit": 9, "sortBy": "lastName"}
    seen: list[str] = []
    moved: set[str] = set()
    for page_number in range(40):
        page = call((a, b)[page_number % 2], "GET", "/v1/customers", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += [item["customerId"] for item in body["customers"]]
        # Meanwhile, through the other replica: one customer moves in the order, one is created.
        target = body["customers"][0]["customerId"]
        mover = call((b, a)[page_number % 2], "PATCH", f"/v1/customers/{target}", json={"lastName": "Aaron"})
        assert mover.status_code == 200, mover.text
        moved.add(target)
        assert call(b, "POST", "/_mock/orders", json={"email": f"p{page_number}@replicas.example"}).status_code == 201
        if not body["hasMore"]:
            break
        params["startAfter"] = body["nextCursor"]
    assert len(seen) == len(set(seen)), "a customer was returned twice"
    unchanged = set(before) - moved
    assert unchanged <= set(seen), "a customer that existed unchanged was skipped"


def test_racing_orders_and_edits_of_one_email_give_one_customer(replicas: tuple[RunningMock, RunningMock]) -> None:
    a, b = replicas
    with ThreadPoolExecutor(8) as pool:
        orders = list(
            pool.map(
                lambda i: call((a, b)[i % 2], "POST", "/_mock/orders", json={"email": "race@replicas.example"}),
                range(16),
            )
        )
    assert sorted(order.status_code for order in orders) == [200] * 15 + [201]
    (customer,) = call(a, "GET", "/v1/customers", params={"email": "race@replicas.example"}).json()["customers"]
    assert call(b, "GET", f"/v1/customers/{customer['customerId']}").json()["customer"]["totalOrders"] == 16
    seeded = call(a, "GET", "/v1/customers", params={"limit": 12}).json()["customers"]
    taken = seeded[0]["email"]  # a seeded customer's email, which every replica knows from the seed
    with ThreadPoolExecutor(8) as pool:
        edits = list(
            pool.map(
                lambda i: call(
                    (a, b)[i % 2], "PATCH", f"/v1/customers/{seeded[i]['customerId']}", json={"email": "one@x.example"}
                ),
                range(1, 12),
            )
        )
    assert sorted(edit.status_code for edit in edits) == [200] + [409] * 10
    assert {edit.json()["error"]["code"] for edit in edits if edit.status_code == 409} == {"EMAIL_IN_USE"}
    stolen = call(b, "PATCH", f"/v1/customers/{seeded[1]['customerId']}", json={"email": taken.upper()})
    assert stolen.status_code == 409 and stolen.json()["error"]["code"] == "EMAIL_IN_USE"


def test_killing_a_replica_mid_load_loses_no_acknowledged_write(database: str) -> None:
    acknowledged: list[str] = []
    stop = threading.Event()
    with running_mock(*replica_args(database)) as survivor, running_mock(*replica_args(database)) as victim:

        def write_until_refused() -> None:
            with httpx.Client(base_url=victim.base_url, headers=HEADERS, timeout=5) as client:
                for number in range(2000):
                    if stop.is_set():
                        return
                    email = f"w{number}@load.example"
                    try:
                        answer = client.post("/_mock/orders", json={"email": email})
                    except httpx.HTTPError:
                        return
                    if answer.is_success:
                        acknowledged.append(email)

        writers = [threading.Thread(target=write_until_refused) for _ in range(2)]
        for writer in writers:
            writer.start()
        while len(acknowledged) < 40:
            threading.Event().wait(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait_for_exit()
        stop.set()
        for writer in writers:
            writer.join(10)
        created = call(survivor, "GET", "/healthz").json()["tenants"]["acme"] - 120
        assert created >= len(set(acknowledged))
        for email in set(acknowledged):
            found = call(survivor, "GET", "/v1/customers", params={"email": email}).json()["customers"]
            assert len(found) == 1, f"{email} was acknowledged and is lost"


def test_the_readmes_several_hosts_commands_run_as_written(database: str) -> None:
    """The section's shell block, on free ports instead of 8001 and 8002 and with this interpreter's entry point."""
    if shutil.which("curl") is None:
        missing_here("curl is not installed (apt-get install curl)")
    (script,) = blocks(section("docs/hosts.md", "Several hosts"), "sh")
    for port in ("8001", "8002"):
        script = script.replace(port, str(free_port()))
    script = script.replace(".venv/bin/flexportal-mock", str(Path(sys.executable).parent / "flexportal-mock"))
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database},
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    placed, listed = (httpx.Response(200, content=line).json() for line in done.stdout.splitlines())
    assert placed["customerCreated"] is True
    assert [item["customerId"] for item in listed["customers"]] == [placed["customer"]["customerId"]]


def test_a_database_url_without_the_driver_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(SystemExit) as ended:
        build_parser().parse_args(["--state", "postgresql://mock@db.example/mock"])
    assert ended.value.code == 2
    assert "pip install 'flexportal-mock[postgres]'" in capsys.readouterr().err


def test_a_database_out_of_reach_at_start_is_waited_for_then_a_clear_error() -> None:
    url = f"postgresql://mock:secret@127.0.0.1:{free_port()}/mock"
    began = time.monotonic()
    done = subprocess.run(
        mock_command("--customers", "10", "--state", url, "--wait-for-state", "1.5"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert time.monotonic() - began >= 1.5
    waiting, failure = done.stderr.index("waiting up to"), done.stderr.index("cannot open the change log in PostgreSQL")
    assert waiting < failure and done.stderr.count("waiting up to") == 1, done.stderr
    assert "Connection refused" in done.stderr and "Traceback" not in done.stderr
    assert "secret" not in done.stderr


def test_a_replica_started_before_its_database_accepts_connections_waits_and_then_serves(
    postgres_cluster: Cluster, database: str
) -> None:
    name = database.rsplit("/", 1)[1]
    with psycopg.connect(postgres_cluster.dsn(), autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        refused = f'database "{name}" is not currently accepting connections'

        def open_once_refused() -> None:
            # As a database container does while it starts: refused for a while, then open. Opening only after
            # the server has refused the replica once keeps the test from depending on how fast the replica starts.
            deadline = time.monotonic() + 30
            while refused not in postgres_cluster.log.read_text(errors="replace") and time.monotonic() < deadline:
                time.sleep(0.1)
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")

        opening = threading.Thread(target=open_once_refused)
        opening.start()
        try:
            with running_mock(*replica_args(database), "--wait-for-state", "30") as replica:
                assert call(replica, "GET", "/v1/customers", params={"limit": 1}).status_code == 200
                waited = [line for line in replica.lines if "waiting up to" in line]
        finally:
            opening.join()
    assert len(waited) == 1 and "not currently accepting connections" in waited[0], waited


def test_the_wait_for_state_option(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    assert settings_from(parser.parse_args([]), parser).state_wait == 30
    assert settings_from(parser.parse_args(["--wait-for-state", "0"]), parser).state_wait == 0
    with pytest.raises(SystemExit):
        settings_from(parser.parse_args(["--wait-for-state", "-1"]), parser)
    assert "the wait for the state's database must be from 0 to 3600 seconds" in capsys.readouterr().err
    assert Settings().state_wait == 0  # an app made in a test never waits unless told to
