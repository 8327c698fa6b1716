"""Asking for network faults: the flags, the `Prefer` names, the seeded draws, and what happens in-process."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import Settings, SimulationConfig, create_app
from mockserver.cli import build_parser, settings_from
from mockserver.domain.errors import BadRequest
from mockserver.domain.spec import documented_statuses, load_spec
from mockserver.http.wirefaults import SimulatedNetworkFault
from mockserver.simulation.netfaults import (
    ALL_NETWORK_FAULTS,
    NetworkFault,
    body_parts,
    cut,
    draw_network_fault,
    parse_network_fault,
    parse_network_faults,
)
from mockserver.simulation.prefer import parse_prefer
from mockserver.simulation.simulator import Simulator
from tests.helpers import HEADERS, running_mock

SETTINGS = Settings(seed=3, customers=30, tenants=("acme",))


def simulator(**config: Any) -> Simulator:
    return Simulator(SimulationConfig(**config), documented_statuses(load_spec()), seed=3)


# --- names and values


def test_kinds_parse_by_name_and_none_means_no_fault() -> None:
    assert parse_network_fault("Slow-Body") is NetworkFault.SLOW_BODY
    assert parse_network_fault(" none ") is None
    assert parse_network_faults("reset, truncate") == {NetworkFault.RESET, NetworkFault.TRUNCATE}
    assert {kind.value for kind in ALL_NETWORK_FAULTS} == {"reset", "close", "truncate", "garbage", "slow-body"}
    with pytest.raises(ValueError, match="one of reset, close, truncate, garbage, slow-body"):
        parse_network_fault("rst")
    for bad in ("reset,", "reset,none", ""):
        with pytest.raises(ValueError, match="comma-separated list"):
            parse_network_faults(bad)


def test_the_configuration_takes_kinds_by_name() -> None:
    config = SimulationConfig(network_fault="truncate", network_faults=frozenset({"reset", "close"}))  # type: ignore[arg-type]
    assert config.network_fault is NetworkFault.TRUNCATE
    assert config.network_faults == {NetworkFault.RESET, NetworkFault.CLOSE}
    assert all(isinstance(kind, NetworkFault) for kind in config.network_faults)
    with pytest.raises(ValueError, match="comma-separated list"):
        SimulationConfig(network_faults=frozenset())


@pytest.mark.parametrize(
    ("prefer", "expected"),
    [
        ("network-fault=reset", {"network_fault": NetworkFault.RESET}),
        (
            'network-fault="slow-body", slow-body-interval=50',
            {"network_fault": NetworkFault.SLOW_BODY, "slow_body_ms": 50},
        ),
        ("network-fault-rate=0.25", {"network_fault_rate": 0.25}),
        ("network-fault=none", {"network_fault": None, "network_fault_rate": 0.0}),
    ],
)
def test_prefer_names_override_the_configuration(prefer: str, expected: dict[str, object]) -> None:
    base = SimulationConfig(network_fault_rate=0.5)
    overridden = base.overridden(parse_prefer([prefer]))
    assert {name: getattr(overridden, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("prefer", "message"),
    [
        (
            "network-fault=rst",
            "a network fault is one of reset, close, truncate, garbage, slow-body .or none., got 'rst'",
        ),
        ("network-fault", "network-fault needs a value"),
        ("network-fault-rate=2", "network-fault-rate must be a number from 0 to 1, got '2'"),
        ("slow-body-interval=soon", "slow-body-interval must be a whole number, got 'soon'"),
        ("slow-body-interval=60001", "slow body interval must be from 0 to 60000 milliseconds"),
    ],
)
def test_a_bad_preference_is_a_400_in_the_envelope(prefer: str, message: str) -> None:
    with pytest.raises(BadRequest, match=f"^Prefer header: {message}"):
        SimulationConfig().overridden(parse_prefer([prefer]))
    with TestClient(create_app(SETTINGS)) as client:
        response = client.get("/v1/customers", headers={**HEADERS, "Prefer": prefer})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_REQUEST"
    assert response.json()["error"]["message"].startswith("Prefer header: ")


# --- the draw


def test_draws_are_seeded_and_come_at_about_the_rate() -> None:
    def kinds(seed: int) -> list[str]:
        generator = random.Random(seed)
        drawn = [draw_network_fault(None, 0.3, ALL_NETWORK_FAULTS, 500, generator) for _ in range(1000)]
        return [plan.kind.value if plan else "-" for plan in drawn]

    assert kinds(1) == kinds(1) != kinds(2)
    counts = Counter(kinds(1))
    assert 220 <= 1000 - counts["-"] <= 380
    assert set(counts) == {"-", *(kind.value for kind in ALL_NETWORK_FAULTS)}


def test_a_forced_kind_always_comes_and_nothing_is_drawn_without_a_rate() -> None:
    generator = random.Random(1)
    state = generator.getstate()
    assert draw_network_fault(None, 0.0, ALL_NETWORK_FAULTS, 500, generator) is None
    assert generator.getstate() == state, "no draw, so the other simulations' numbers stay as they were"
    plan = draw_network_fault(NetworkFault.GARBAGE, 0.0, ALL_NETWORK_FAULTS, 500, generator)
    assert plan is not None and plan.kind is NetworkFault.GARBAGE
    assert plan.garbage[0] >= 0x80 and plan.garbage.endswith(b"\r\n\r\n")


def test_the_simulator_reads_prefer_and_ignores_a_bad_one() -> None:
    quiet = simulator()
    assert not quiet.draws_network_faults and not quiet.active
    assert quiet.network_fault([]) is None
    plan = quiet.network_fault(["network-fault=truncate"])
    assert plan is not None and plan.kind is NetworkFault.TRUNCATE
    assert quiet.network_fault(["network-fault=rst"]) is None, "the operation answers it with its 400"
    assert simulator(network_fault=NetworkFault.CLOSE).network_fault(["network-fault=none"]) is None
    drawing = simulator(network_fault_rate=0.5)
    assert drawing.draws_network_faults and not drawing.active, "the answers themselves are not simulated"


def test_network_faults_leave_the_seeded_500s_and_503s_as_they_were() -> None:
    def statuses(simulation: SimulationConfig) -> list[int]:
        with TestClient(create_app(Settings(seed=3, customers=30, tenants=("acme",), simulation=simulation))) as client:
            return [client.get("/v1/customers", headers=HEADERS).status_code for _ in range(40)]

    alone = statuses(SimulationConfig(fault_rate=0.4))
    slowed = SimulationConfig(
        fault_rate=0.4, network_fault_rate=0.5, network_faults=frozenset({NetworkFault.SLOW_BODY}), slow_body_ms=0
    )
    assert statuses(slowed) == alone
    assert {500, 503} <= set(alone)


def test_parts_and_cuts() -> None:
    assert body_parts(b"abcdefghij") == [b"abc", b"def", b"gh", b"ij"]
    assert body_parts(b"ab") == [b"a", b"b"] and body_parts(b"") == [b""]
    assert cut(b"abcdefghij") == b"abcde" and cut(b"a") == b""


# --- in-process


def test_in_process_a_connection_fault_is_raised_and_a_slow_body_still_drips() -> None:
    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app(SETTINGS))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock", headers=HEADERS) as client:
            for kind in ("reset", "close", "truncate", "garbage"):
                with pytest.raises(SimulatedNetworkFault, match=f"network fault {kind}: served in-process"):
                    await client.get("/v1/customers", headers={"Prefer": f"network-fault={kind}"})
            whole = (await client.get("/v1/customers")).content
            slow = await client.get(
                "/v1/customers", headers={"Prefer": "network-fault=slow-body, slow-body-interval=1"}
            )
            assert slow.status_code == 200 and slow.content == whole

    asyncio.run(run())


# --- the command line


def test_flags_make_the_configuration_and_bad_ones_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    args = ["--network-fault-rate", "0.1", "--network-faults", "reset,truncate", "--slow-body-interval", "50"]
    simulation = settings_from(parser.parse_args(args), parser).simulation
    assert simulation.network_fault_rate == 0.1 and simulation.slow_body_ms == 50
    assert simulation.network_faults == {NetworkFault.RESET, NetworkFault.TRUNCATE}
    assert "network faults reset, truncate at rate 0.1" in simulation.describe()
    for bad, message in [
        (["--network-faults", "reset,rst"], "comma-separated list of reset, close"),
        (["--network-fault", "none"], "leave out --network-fault for none"),
        (["--network-fault-rate", "1.5"], "network fault rate must be from 0 to 1"),
        (["--slow-body-interval", "-5"], "slow body interval must be from 0 to 60000"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            settings_from(parser.parse_args(bad), parser)
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err


def test_flags_reach_the_server() -> None:
    args = ["--customers", "5", "--tenant", "acme", "--network-fault", "close", "--log-level", "warning"]
    with running_mock(*args) as mock, httpx.Client(base_url=mock.base_url, headers=HEADERS) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v1/customers")
        assert client.get("/v1/customers", headers={"Prefer": "network-fault=none"}).status_code == 200
        assert client.get("/healthz").status_code == 200, "only the API's answers are spoiled"
    assert "simulating network fault close on every answer" in mock.log
    args = ["--customers", "5", "--tenant", "acme", "--network-fault-rate", "0.5", "--network-faults", "truncate"]
    with running_mock(*args) as mock, httpx.Client(base_url=mock.base_url, headers=HEADERS) as client:
        outcomes: list[int | str] = []
        for _ in range(40):
            try:
                outcomes.append(client.get("/v1/customers").status_code)
            except httpx.RemoteProtocolError as error:
                outcomes.append(str(error).split(" (")[0])
    counts = Counter(outcomes)
    assert set(counts) == {200, "peer closed connection without sending complete message body"}, counts
    assert 10 <= counts[200] <= 30, counts
