"""A private MariaDB server for tests, from Debian's binaries, on loopback, removed afterwards.

`mariadb-install-db` makes a data folder of its own; the server runs from it as the `mysql`
system user (when the tests run as root, as CI does, it drops to that user itself), listens on
127.0.0.1 on a free port with its socket in the same folder, and accepts over TCP only a user
of its own with a random password. Once up, root may log in only through that socket, with a
random password too: other users of the machine cannot reach its data.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pymysql

from tests.helpers import free_port

SERVER: Final = Path("/usr/sbin/mariadbd")
INSTALL_DB: Final = Path("/usr/bin/mariadb-install-db")
SYSTEM_USER: Final = "mysql"
USER: Final = "kit"
# A throwaway server: durability costs time and proves nothing here.
SERVER_SETTINGS: Final = (
    "--innodb-buffer-pool-size=64M",
    "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=0",
    "--skip-log-bin",
    "--max-connections=40",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_bin",
)
READY_SECONDS: Final = 60


@dataclass(frozen=True, slots=True)
class Server:
    """A running server: where it listens, how to log in, and the file it writes its log to."""

    host: str
    port: int
    user: str
    password: str
    log: Path

    def connect(self, database: str | None = None, **options: Any) -> pymysql.connections.Connection[Any]:
        """A PyMySQL connection over loopback TCP, speaking utf8mb4."""
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
            charset="utf8mb4",
            **options,
        )


def unavailable() -> str | None:
    """Why no server can be started here, or None when one can."""
    missing = [str(path) for path in (SERVER, INSTALL_DB) if not path.is_file()]
    if missing:
        return f"MariaDB is not installed ({', '.join(missing)} missing; apt-get install mariadb-server)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return f"running as root and there is no {SYSTEM_USER!r} user for the server to run as"
    return None


@contextmanager
def private_server() -> Iterator[Server]:
    """Create, start and yield a new server; stop it and delete its files afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="flexportal-mariadb-"))
    data, log, socket = folder / "data", folder / "server.log", folder / "server.sock"
    owner = _hand_over(folder)
    process: subprocess.Popen[bytes] | None = None
    try:
        _run(
            [
                str(INSTALL_DB),
                "--no-defaults",
                f"--datadir={data}",
                *owner,
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
            ]
        )
        port = free_port()
        process = subprocess.Popen(
            [
                str(SERVER),
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={socket}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                f"--log-error={log}",
                f"--pid-file={folder / 'server.pid'}",
                *owner,
                *SERVER_SETTINGS,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
        )
        password = secrets.token_urlsafe(18)
        _secure(_wait_for(socket, process, log), password)
        yield Server(host="127.0.0.1", port=port, user=USER, password=password, log=log)
    finally:
        try:
            if process is not None:
                process.terminate()
                process.wait(timeout=60)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _hand_over(folder: Path) -> list[str]:
    """The `--user` option the programs need; as root, `folder` handed to the system user first."""
    if os.geteuid() != 0:
        return []
    account = pwd.getpwnam(SYSTEM_USER)
    os.chown(folder, account.pw_uid, account.pw_gid)
    return [f"--user={SYSTEM_USER}"]


def _wait_for(socket: Path, process: subprocess.Popen[bytes], log: Path) -> pymysql.connections.Connection[Any]:
    """root's connection through the socket, once the server says it is ready for connections."""
    deadline = time.monotonic() + READY_SECONDS
    while not (socket.exists() and "ready for connections" in _tail(log)):
        if process.poll() is not None:
            raise RuntimeError(f"mariadbd exited {process.returncode}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"mariadbd did not accept connections in {READY_SECONDS} s:\n{_tail(log)}")
        time.sleep(0.1)
    return pymysql.connect(unix_socket=str(socket), user="root", charset="utf8mb4")


def _secure(root: pymysql.connections.Connection[Any], password: str) -> None:
    """Keep root on the socket alone, with a random password, and make the one TCP user, on loopback only."""
    with root, root.cursor() as cursor:
        cursor.execute("SELECT user, host FROM mysql.global_priv WHERE user <> 'mariadb.sys'")
        for user, host in cursor.fetchall():
            if (user, host) != ("root", "localhost"):
                cursor.execute("DROP USER %s@%s", [user, host])
        cursor.execute("ALTER USER 'root'@'localhost' IDENTIFIED BY %s", [password])
        cursor.execute(f"CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY %s", [password])
        cursor.execute(f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'127.0.0.1'")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
