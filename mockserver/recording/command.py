"""`flexportal-mock record`: a deployment's tenant into a fixture file that `--fixtures` serves.

The API key comes from `$FLEXPORTAL_API_KEY` only, never from an argument (which `ps` and shell
histories show), and nothing printed contains it. The anonymisation key comes from
`$FLEXPORTAL_ANONYMISE_KEY` or `--key-file`; without one, each recording draws its own.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Final

from mockserver.domain.auth import is_valid_tenant_id

__all__ = ["ANONYMISE_KEY_ENV", "API_KEY_ENV", "build_parser", "main"]

API_KEY_ENV: Final = "FLEXPORTAL_API_KEY"
ANONYMISE_KEY_ENV: Final = "FLEXPORTAL_ANONYMISE_KEY"
DEFAULT_MAX_REQUESTS: Final = 100_000
DEFAULT_RATE: Final = 100.0
EXIT_STOPPED: Final = 3

EPILOG = f"""\
The API key is read from ${API_KEY_ENV}. Each customer costs one Get Customer request, plus one
list request per 100 customers. A recording stopped by its budget, an unavailable deployment or
Ctrl-C saves its progress in OUT.partial (exit {EXIT_STOPPED}); the same command again goes on from there.

Anonymisation (on by default) replaces names, emails, phones, companies, addresses (not their
country or region), a person as createdBy and customFields' strings with stand-ins of the same
script and about the same length; the same value gives the same stand-in under one key. Give
the key in ${ANONYMISE_KEY_ENV} or --key-file to get the same stand-ins in every recording;
without one, they are the same within a recording and its resumes only.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flexportal-mock record",
        description="Record a deployment's tenants into a fixture file that `flexportal-mock --fixtures` serves.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--base-url", required=True, help="the deployment, as https://api.example.com")
    parser.add_argument(
        "--tenant", required=True, action="append", metavar="ID", help="a tenant to record; repeat for several"
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="the fixture file to write")
    privacy = parser.add_mutually_exclusive_group()
    privacy.add_argument(
        "--anonymise", dest="anonymise", action="store_true", default=True, help="replace personal data (default)"
    )
    privacy.add_argument(
        "--keep-personal-data", dest="anonymise", action="store_false", help="write what the deployment answered"
    )
    parser.add_argument(
        "--key-file", type=Path, metavar="PATH", help=f"the anonymisation key (or ${ANONYMISE_KEY_ENV})"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help="send at most N requests in this run (default: %(default)s)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        metavar="PER_MINUTE",
        help="send at most this many requests a minute; 0 for no limit (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds to wait for each response (default: %(default)s)"
    )
    parser.add_argument("--quiet", action="store_true", help="print no progress, only the outcome")
    return parser


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    api_key = os.environ.get(API_KEY_ENV, "")
    if not api_key:
        parser.error(f"set ${API_KEY_ENV} to the deployment's API key")
    for tenant in args.tenant:
        if not is_valid_tenant_id(tenant):
            parser.error(f"{tenant!r} is not a tenant identifier (letters, digits, '.', '_', '-')")
    if args.max_requests < 1 or args.rate < 0 or args.timeout <= 0:
        parser.error("--max-requests must be at least 1, --rate at least 0 and --timeout above 0")
    key = _anonymise_key(args, parser)
    try:
        from mockserver.recording import recorder
        from mockserver.recording.progress import StateError
    except ModuleNotFoundError as error:
        print(
            f"flexportal-mock record: needs the contract kit's client ({error.name} is missing): "
            "pip install 'flexportal-mock[kit]'",
            file=sys.stderr,
        )
        return 2
    recording = recorder.Recording(
        base_url=args.base_url,
        tenants=tuple(dict.fromkeys(args.tenant)),
        out=args.out,
        api_key=api_key,
        anonymise_key=key,
        anonymise=args.anonymise,
        max_requests=args.max_requests,
        rate=args.rate or None,
        timeout=args.timeout,
    )
    # SIGTERM stops a recording as Ctrl-C does (a handler can be set in the main thread only).
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
    try:
        count = recorder.record(recording, report=(lambda _: None) if args.quiet else _progress)
    except recorder.RecordingStopped as stopped:
        print(f"flexportal-mock record: {stopped}", file=sys.stderr)
        return EXIT_STOPPED
    except (recorder.RecordError, StateError, OSError) as error:
        print(f"flexportal-mock record: {error}", file=sys.stderr)
        return 1 if isinstance(error, recorder.RecordError) else 2
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    kind = "anonymised" if args.anonymise else "as answered, personal data included"
    print(f"recorded {count} customers of {', '.join(recording.tenants)} into {args.out} ({kind})")
    return 0


def _anonymise_key(args: argparse.Namespace, parser: argparse.ArgumentParser) -> bytes | None:
    if not args.anonymise:
        if args.key_file is not None:
            parser.error("--key-file is for anonymising; drop it with --keep-personal-data")
        return None
    if args.key_file is not None:
        try:
            key = args.key_file.read_bytes().strip()
        except OSError as error:
            parser.error(f"cannot read --key-file {args.key_file}: {error.strerror}")
    else:
        key = os.environ.get(ANONYMISE_KEY_ENV, "").encode()
    if key and len(key) < 16:
        parser.error("the anonymisation key must be at least 16 bytes")
    return key or None


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops a recording as Ctrl-C does: its progress is saved first."""
    raise KeyboardInterrupt
