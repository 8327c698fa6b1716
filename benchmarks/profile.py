"""`python -m benchmarks.profile`: where a page request's time goes inside the serving process.

Starts the mock, loads page 3 of the benchmark's main query with wrk, samples the server with
py-spy (`pip install py-spy`; it is not a dependency) and sums the samples by the layer of their
innermost frame (a standard-library frame counts for its caller): the socket writes, the mock's
own code, Starlette, the rest of uvicorn, and the event loop. Then the mock's functions by their
own time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from benchmarks.__main__ import HEADERS, KEY, MAIN_QUERY, TENANT
from benchmarks.probe import Client
from benchmarks.process import served
from benchmarks.wrk import ensure_wrk

_ENTRY = ("mockserver/__main__.py", "mockserver/cli.py")
_WRITES = ("transport.write",)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000, help="customers (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=8, help="seconds to sample (default: %(default)s)")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy is needed: pip install py-spy", file=sys.stderr)
        return 2
    ensure_wrk()
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = (cores[0], cores[-1]) if len(cores) > 1 else (None, None)
    command = [sys.executable, "-m", "mockserver", "--customers", str(args.customers), "--tenant", TENANT]
    command += ["--api-key", KEY, "--log-level", "warning"]
    pin = ["taskset", "-c", str(client_core)] if client_core is not None else []
    with served(command, HEADERS, server_core) as (process, base_url, _), tempfile.TemporaryDirectory() as scratch:
        url = Client(base_url, HEADERS).url_of_page(MAIN_QUERY, 3)
        load = [*pin, "wrk", "-t1", "-c32", f"-d{args.seconds + 3}s"]
        load += [option for name, value in HEADERS.items() for option in ("-H", f"{name}: {value}")]
        wrk = subprocess.Popen([*load, url], stdout=subprocess.PIPE, text=True)
        raw = Path(scratch) / "samples.txt"
        sampler = [*pin, spy, "record", "-p", str(process.pid), "-d", str(args.seconds), "-r", "250"]
        subprocess.run(
            [*sampler, "-f", "raw", "-o", str(raw), "--nonblocking"], check=True, capture_output=True, timeout=120
        )
        output, _ = wrk.communicate()
        print(next((line for line in output.splitlines() if line.startswith("Requests/sec")), output))
        print(summarise(raw.read_text(), uvicorn_lines()))
    return 0


def uvicorn_lines() -> dict[int, str]:
    """The lines of uvicorn's HTTP protocol, to tell its socket writes from the rest."""
    import uvicorn.protocols.http.httptools_impl as httptools_impl

    lines = Path(httptools_impl.__file__).read_text().splitlines()
    return dict(enumerate(lines, start=1))


def layer(frames: list[str], source: dict[int, str]) -> str:
    """The layer a sample's time belongs to: its innermost frame's, library frames counting for their caller.

    `frames` is the stack, outermost first. The protocol the mock gives uvicorn counts as uvicorn,
    its write as a socket write.
    """
    leaf = frames[-1]
    if _is_write(leaf, source):
        return "socket writes (uvicorn's transport writes)"
    if "asyncio/runners.py:" in leaf:
        return "event loop and other"
    for frame in reversed(frames):
        if "mockserver/server/protocol.py:" in frame or "uvicorn/" in frame:
            return "uvicorn, other than writes"
        if _is_mock(frame):
            return "the mock's code, with the library code it calls"
        if "starlette/" in frame:
            return "Starlette"
    return "event loop and other"


def _is_write(frame: str, source: dict[int, str]) -> bool:
    """Whether a py-spy frame is one of uvicorn's transport writes, or the mock protocol's one write."""
    if frame.startswith("HeadWithBody.write "):
        return True
    if "httptools_impl.py:" not in frame:
        return False
    number = int(frame.rsplit(":", 1)[1].rstrip(")"))
    return any(call in source.get(number, "") for call in _WRITES)


def _is_mock(frame: str) -> bool:
    """Whether a py-spy frame (`function (path:line)`) is the mock's, not its start-up that runs the server."""
    return "mockserver/" in frame and not any(f"{entry}:" in frame for entry in _ENTRY)


def summarise(samples: str, source: dict[int, str]) -> str:
    layers: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in samples.splitlines():
        if not line.strip():
            continue
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = stack.split(";")
        total += count
        layers[layer(frames, source)] += count
        if _is_mock(frames[-1]):
            own[frames[-1]] += count
    report = [f"{total} samples", "", "| layer | share |", "|---|---:|"]
    report += [f"| {name} | {count / total:.0%} |" for name, count in layers.most_common()]
    report += ["", "| the mock's functions, own time | share |", "|---|---:|"]
    report += [f"| `{name}` | {count / total:.1%} |" for name, count in own.most_common(12)]
    return "\n".join(report)


if __name__ == "__main__":
    sys.exit(main())
