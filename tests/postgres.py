"""A private PostgreSQL cluster for tests, from Debian's binaries, on loopback, removed afterwards.

`initdb` refuses to run as root, so when the tests run as root (as CI does) every server
program runs as the `postgres` system user through `runuser`, in a folder handed over to it.
The cluster listens on 127.0.0.1 on a free port, with its socket in the same folder, and
accepts only its superuser with a random password: other users of the machine cannot reach
its data.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tests.helpers import free_port

BINARIES: Final = Path("/usr/lib/postgresql/15/bin")
SYSTEM_USER: Final = "postgres"
SUPERUSER: Final = "kit"
# A throwaway cluster: durability costs time and proves nothing here.
SERVER_SETTINGS: Final = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=40")


@dataclass(frozen=True, slots=True)
class Cluster:
    """A running cluster: where it listens, how to log in, and the file its server writes its log to."""

    host: str
    port: int
    user: str
    password: str
    log: Path

    def dsn(self, database: str = "postgres") -> str:
        """A libpq connection string for `database`."""
        return f"host={self.host} port={self.port} user={self.user} password={self.password} dbname={database}"


def unavailable() -> str | None:
    """Why no cluster can be started here, or None when one can."""
    missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (BINARIES / name).is_file()]
    if missing:
        return (
            f"PostgreSQL 15 is not installed ({', '.join(missing)} missing from {BINARIES}; apt-get install postgresql)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return f"running as root and there is no {SYSTEM_USER!r} user for initdb to run as"
        if shutil.which("runuser") is None:
            return "running as root and runuser (util-linux) is missing"
    return None


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """Create, start and yield a new cluster; stop it and delete its files afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="flexportal-pg-"))
    as_owner = _owner_command(folder)
    data, log = folder / "data", folder / "server.log"
    password = secrets.token_urlsafe(18)
    (folder / "password").write_text(password)
    try:
        _run(
            [
                *as_owner,
                str(BINARIES / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                SUPERUSER,
                "--pwfile",
                str(folder / "password"),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ]
        )
        (folder / "password").unlink()
        port = _start(as_owner, data, log, folder)
        yield Cluster(host="127.0.0.1", port=port, user=SUPERUSER, password=password, log=log)
    finally:
        try:
            # A server that came up, even after pg_ctl stopped waiting for it, leaves its pid file.
            if (data / "postmaster.pid").exists():
                _run([*as_owner, str(BINARIES / "pg_ctl"), "--pgdata", str(data), "--mode", "fast", "--wait", "stop"])
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _start(as_owner: list[str], data: Path, log: Path, sockets: Path, attempts: int = 3) -> int:
    """Start the server on a free loopback port (another, should someone take that one first); the port."""
    for attempt in range(attempts):
        port = free_port()
        options = " ".join(
            [f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets}"] + [f"-c {setting}" for setting in SERVER_SETTINGS]
        )
        start = [*as_owner, str(BINARIES / "pg_ctl"), "--pgdata", str(data), "--log", str(log), "--wait"]
        try:
            _run([*start, "-o", options, "start"], log)
            return port
        except RuntimeError:
            if attempt == attempts - 1 or (data / "postmaster.pid").exists():
                raise
    raise AssertionError("unreachable")


def _owner_command(folder: Path) -> list[str]:
    """The prefix that runs a server program as the cluster's owner; as root, hand `folder` to `postgres`."""
    if os.geteuid() != 0:
        return []
    account = pwd.getpwnam(SYSTEM_USER)
    os.chown(folder, account.pw_uid, account.pw_gid)
    return ["runuser", "-u", SYSTEM_USER, "--"]


def _run(command: list[str], log: Path | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
    if result.returncode != 0:
        logged = log.read_text(errors="replace") if log is not None and log.exists() else ""
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}{logged}")
