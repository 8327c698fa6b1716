"""`flexportal-mock` / `python -m mockserver`: serve the mock, export its dataset as a fixture file, or `record` one."""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import os
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import uvicorn
from uvicorn.supervisors import Multiprocess

from mockserver import __version__
from mockserver.app import create_app
from mockserver.dataset import dataset_records
from mockserver.domain.defaults import (
    ANY_ORIGIN,
    API_KEY_ENV,
    DEFAULT_CUSTOMERS,
    DEFAULT_HOST,
    DEFAULT_JOURNAL_SIZE,
    DEFAULT_PORT,
    DEFAULT_SEED,
    DEFAULT_STATE_WAIT,
    DEFAULT_TENANTS,
)
from mockserver.server.announce import Announcer, usage_errors_as_json
from mockserver.server.background import server_config
from mockserver.server.logconfig import LOG_FORMATS, logging_config
from mockserver.server.sockets import listen
from mockserver.settings import Settings
from mockserver.simulation.netfaults import (
    ALL_NETWORK_FAULTS,
    DEFAULT_SLOW_BODY_MS,
    NetworkFault,
    parse_network_fault,
    parse_network_faults,
)
from mockserver.simulation.simulator import DEFAULT_SLOW_MS, Latency, SimulationConfig
from mockserver.storage.fixturefile import FixtureError, dump_fixtures
from mockserver.storage.logs import is_database_url, shown
from mockserver.storage.pgchangelog import driver_missing

__all__ = ["EPILOG", "MAX_WORKERS", "SECRET_ENV", "banner", "build_parser", "main", "settings_from"]

SECRET_ENV = "FLEXPORTAL_MOCK_CURSOR_SECRET"
MAX_WORKERS = 64

EPILOG = f"""\
The cursor signing secret can also come from ${SECRET_ENV}.

Simulation is off by default. Each flag above sets it for every API request, and a request
can override it with a Prefer header of comma-separated preferences, for example
  Prefer: code=503
  Prefer: latency=200-800, fault-rate=0.2
  Prefer: empty, slow=5000
  code=STATUS      answer this status (one the operation documents; 200: no fault, no limit)
  latency=MS       wait MS milliseconds, or a random time in MIN-MAX, before answering
  fault-rate=R     answer 500 or 503 with probability R (0 to 1)
  rate-limit=N     allow N requests per minute per API key, then 429 with Retry-After (0: off)
  empty[=false]    List Customers answers an empty page, Get Customer 404
  slow[=MS]        wait MS more (alone: --slow, or {DEFAULT_SLOW_MS} ms)
  network-fault=KIND       spoil the answer on the wire: reset, close, truncate, garbage,
                           slow-body (none: no network fault for this request)
  network-fault-rate=R     spoil this share of answers, with one of --network-faults
  slow-body-interval=MS    a slow body's parts are MS apart (default {DEFAULT_SLOW_BODY_MS})
Other endpoints: /docs (API docs with a console), /openapi.yaml, /healthz (no auth);
POST /_mock/orders {{"email": ...}} places an order (a new email creates a customer) and
POST /_mock/reset returns to the seeded data, GET /_mock/requests lists the API requests
answered (DELETE clears them), all with the API's headers (off: --no-control).

flexportal-mock record --base-url URL --tenant ID --out FILE records a deployment's tenant,
anonymised, into a fixture file for --fixtures (see flexportal-mock record --help).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flexportal-mock",
        description="Serve FlexPortal's List Customers and Get Customer API over a seeded, deterministic dataset.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--host", default=DEFAULT_HOST, help="interface to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to listen on; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="serve from N processes sharing the port, the cursor secret and the writes (default: %(default)s)",
    )
    data = parser.add_argument_group("dataset")
    data.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the generated data (default: %(default)s)"
    )
    data.add_argument("--customers", type=int, metavar="N", help=f"customers per tenant (default: {DEFAULT_CUSTOMERS})")
    data.add_argument(
        "--tenant",
        action="append",
        metavar="ID",
        help=f"a tenant to serve; repeat for several (default: {', '.join(DEFAULT_TENANTS)})",
    )
    data.add_argument("--fixtures", type=Path, metavar="PATH", help="serve this fixture file instead of generated data")
    data.add_argument(
        "--export",
        metavar="PATH",
        help="write the dataset the other options describe to PATH ('-' for stdout) as a fixture file, and exit",
    )
    writes = parser.add_argument_group("writes")
    writes.add_argument(
        "--state",
        type=state_location,
        metavar="PATH|URL",
        help="keep writes in this SQLite file, shared by workers and kept across restarts, or in the "
        "PostgreSQL database at a postgresql:// URL, shared by replicas on several hosts "
        "(default: in memory; with --workers, a temporary file)",
    )
    writes.add_argument(
        "--wait-for-state",
        type=float,
        default=DEFAULT_STATE_WAIT,
        metavar="SECONDS",
        help="how long to wait at start for a --state database not reachable yet (0: not at all; default: %(default)g)",
    )
    writes.add_argument(
        "--no-control",
        dest="control",
        action="store_false",
        help="leave out the control endpoints /_mock/orders, /_mock/reset and /_mock/requests",
    )
    access = parser.add_argument_group("access")
    access.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="an accepted bearer key; repeat for several (default: any non-empty key)",
    )
    access.add_argument(
        "--cursor-secret",
        metavar="SECRET",
        help="key that signs cursors, at least 16 bytes; give replicas the same one (default: random at each start)",
    )
    access.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin allowed to call the API, as http://localhost:5173; repeat for several (default: any)",
    )
    simulation = parser.add_argument_group("simulation (all off by default; see Prefer below)")
    simulation.add_argument(
        "--latency", type=_latency, metavar="MS|MIN-MAX", help="delay every API answer, fixed or random in a range"
    )
    simulation.add_argument(
        "--fault-rate", type=float, default=0.0, metavar="R", help="answer 500 or 503 to this share of requests (0-1)"
    )
    simulation.add_argument(
        "--force-status", type=int, metavar="STATUS", help="answer every API request with this documented status"
    )
    simulation.add_argument(
        "--rate-limit", type=int, default=0, metavar="N", help="allow N requests per minute per API key, then 429"
    )
    simulation.add_argument("--empty", action="store_true", help="answer every list empty, every Get Customer 404")
    simulation.add_argument("--slow", type=int, default=0, metavar="MS", help="make every API answer MS slower")
    simulation.add_argument(
        "--network-fault",
        type=_network_fault,
        metavar="KIND",
        help="spoil every API answer on the wire: reset, close, truncate, garbage or slow-body",
    )
    simulation.add_argument(
        "--network-fault-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="spoil this share of API answers on the wire (0-1), with one of --network-faults",
    )
    simulation.add_argument(
        "--network-faults",
        type=_network_faults,
        default=ALL_NETWORK_FAULTS,
        metavar="KIND,...",
        help="the kinds --network-fault-rate picks from (default: all)",
    )
    simulation.add_argument(
        "--slow-body-interval",
        type=int,
        default=DEFAULT_SLOW_BODY_MS,
        metavar="MS",
        help="time between the parts of a slow body (default: %(default)s)",
    )
    logs = parser.add_argument_group("logging")
    logs.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    logs.add_argument(
        "--log-format",
        default="text",
        choices=LOG_FORMATS,
        help="text lines, or one JSON object per line (default: %(default)s)",
    )
    logs.add_argument(
        "--journal-size",
        type=int,
        default=DEFAULT_JOURNAL_SIZE,
        metavar="N",
        help="keep the last N API requests for GET /_mock/requests, per worker (0: off; default: %(default)s)",
    )
    return parser


def _latency(text: str) -> Latency:
    try:
        return Latency.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _network_fault(text: str) -> NetworkFault:
    try:
        kind = parse_network_fault(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if kind is None:
        raise argparse.ArgumentTypeError("leave out --network-fault for none")
    return kind


def _network_faults(text: str) -> frozenset[NetworkFault]:
    try:
        return parse_network_faults(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def state_location(text: str) -> Path | str:
    """`--state`: a SQLite file's path, or a PostgreSQL URL, refused when its driver is not installed."""
    if not is_database_url(text):
        return Path(text)
    missing = driver_missing()
    if missing is not None:
        raise argparse.ArgumentTypeError(missing)
    return text


def settings_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Settings:
    if args.fixtures is not None and (args.tenant or args.customers is not None):
        parser.error("--fixtures serves the tenants and customers of its file; drop --tenant and --customers")
    secret = args.cursor_secret or os.environ.get(SECRET_ENV)
    try:
        settings = Settings(
            seed=args.seed,
            customers=DEFAULT_CUSTOMERS if args.customers is None else args.customers,
            tenants=tuple(args.tenant) if args.tenant else DEFAULT_TENANTS,
            api_keys=frozenset(args.api_key),
            fixtures=args.fixtures,
            state=args.state,
            state_wait=args.wait_for_state,
            control=args.control,
            journal_size=args.journal_size,
            cors_origins=tuple(args.cors_origin) or (ANY_ORIGIN,),
            simulation=SimulationConfig(
                latency=args.latency or Latency(),
                fault_rate=args.fault_rate,
                force_status=args.force_status,
                rate_limit=args.rate_limit,
                empty=args.empty,
                slow_ms=args.slow,
                network_fault=args.network_fault,
                network_fault_rate=args.network_fault_rate,
                network_faults=args.network_faults,
                slow_body_ms=args.slow_body_interval,
            ),
        )
        # Without one given, each start signs with a random key of its own.
        return replace(settings, cursor_secret=secret.encode()) if secret else settings
    except ValueError as error:
        parser.error(str(error))


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["record"]:
        from mockserver.recording.command import main as record  # its own options; the kit's client, loaded late

        return record(argv[1:])
    parser = build_parser()
    usage_errors_as_json(parser, argv)
    args = parser.parse_args(argv)
    settings = settings_from(args, parser)
    if not 1 <= args.workers <= MAX_WORKERS:
        parser.error(f"--workers must be from 1 to {MAX_WORKERS}")
    if args.workers > 1 and settings.simulation.rate_limit:
        parser.error(
            "--rate-limit counts requests in one process, so N workers would allow N times the limit; "
            "run it with --workers 1"
        )
    if args.export is not None:
        return _export(settings, args.export)
    with contextlib.ExitStack() as cleanup:
        if args.workers > 1 and settings.state is None:
            folder = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="flexportal-mock-"))
            settings = replace(settings, state=Path(folder) / "state.sqlite3")
        return _serve(settings, args)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    log_config = logging_config(args.log_format, args.log_level)
    say = Announcer(log_config, as_json=args.log_format == "json")
    try:
        app = create_app(settings)
    except (FixtureError, ValueError, sqlite3.Error) as error:
        say.error(str(error))
        return 2
    try:
        sock = listen(args.host, args.port)
    except OSError as error:
        say.error(f"cannot listen on {args.host}:{args.port}: {error.strerror}")
        return 2
    say.banner(banner(settings, app.state.tenant_sizes, args.host, sock.getsockname()[1], args.workers))
    config = server_config(
        # Workers are separate processes: each builds its own app from the same settings.
        app if args.workers == 1 else functools.partial(create_app, settings),
        factory=args.workers > 1,
        workers=args.workers,
        log_config=log_config,
        log_level=args.log_level,
    )
    if settings.simulation.active:
        logging.getLogger("flexportal_mock.simulation").warning("simulating %s", settings.simulation.describe())
    # uvicorn stops on SIGINT whatever this process inherited, then raises it again for the handler
    # it found. Started with SIGINT ignored (a script's background job), that did nothing and an
    # interrupted server ended with 0: Ctrl-C ends with 130 however the mock was started.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if args.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn has shut down gracefully on Ctrl-C and re-raised it; end the way a shell expects, quietly.
        return 130
    return 0


def banner(settings: Settings, tenant_sizes: dict[str, int], host: str, port: int, workers: int = 1) -> str:
    """What the server prints on start: where it listens, what it serves, and a request to try.

    The configured keys are secrets, never shown: the request reads one from `$FLEXPORTAL_API_KEY`.
    """
    shown_host = f"[{host}]" if ":" in host else host
    base = f"http://{shown_host}:{port}"
    source = f"fixture file {settings.fixtures}" if settings.fixtures else f"generated, seed {settings.seed}"
    tenants = ", ".join(f"{tenant} ({size} customers)" for tenant, size in tenant_sizes.items())
    if settings.api_keys:
        auth = f"{len(settings.api_keys)} configured API key(s), not shown"
        try_it = f"Try: (export {API_KEY_ENV}=<a key given with --api-key> first)"
        authorization = f'"Authorization: Bearer ${API_KEY_ENV}"'
    else:
        auth = "any non-empty bearer key"
        try_it = "Try:"
        authorization = "'Authorization: Bearer demo-key'"
    first_tenant = next(iter(tenant_sizes), "TENANT")
    return "\n".join(
        [
            f"FlexPortal mock {__version__} listening on {base}" + (f" with {workers} workers" if workers > 1 else ""),
            f"  data:     {source}",
            f"  tenants:  {tenants}",
            f"  auth:     {auth}",
            f"  writes:   {shown(settings.state)}" + ("" if settings.control else " (control endpoints off)"),
            f"  contract: {base}/openapi.yaml (docs: {base}/docs)",
            try_it,
            f"  curl -H {authorization} -H 'Tenant-ID: {first_tenant}' '{base}/v1/customers?limit=5'",
        ]
    )


def _export(settings: Settings, target: str) -> int:
    document = dump_fixtures(dataset_records(settings))
    if target == "-":
        sys.stdout.buffer.write(document)
    else:
        Path(target).write_bytes(document)
    return 0
