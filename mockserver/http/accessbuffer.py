"""The access log's handler for a server process: a request only queues its fields; a thread formats and writes.

Building a `logging.LogRecord`, formatting it and writing it to the stream cost about a third of
a page request (benchmarks/RESULTS.md). With this handler as the access logger's only handler,
`log_request` appends one tuple to a deque instead; every `FLUSH_SECONDS` a thread of the
handler's own turns what has queued into lines and writes them in one call. Closing the handler
(`logging.shutdown`, which runs at a clean exit, or a new logging configuration) writes what is
still queued, so no line is lost when the server stops on SIGTERM or Ctrl-C.

The lines are the ones the handler's formatter gives a record: a formatter that depends only on
the level and the message (the text format) is applied once to a probe and its prefix and
suffix reused; any other (the JSON format) gets a record built at flush time, off the request.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from typing import IO, Final

__all__ = [
    "AccessEntry",
    "BufferedAccessHandler",
    "FLUSH_SECONDS",
    "LOGGER",
    "access_fields",
    "access_message",
    "direct_handler",
]

LOGGER: Final = "flexportal_mock.access"
FLUSH_SECONDS: Final = 0.1
_SHOWN: Final = 200
_PROBE: Final = "\x00access-message\x00"
_FIELD: Final = re.compile(r"%\((\w+)\)")
_STEADY_FIELDS: Final = frozenset({"levelname", "levelprefix", "levelno", "name", "message"})

AccessEntry = tuple[float, str, str, bytes, list[tuple[bytes, bytes]], int, float]
"""What a request leaves in the queue: time, method, path, query string, headers, status, duration in ms."""


def access_message(entry: AccessEntry) -> str:
    """The access line's message for `entry`: request line, status, duration and tenant."""
    _, method, path, query_string, headers, status, duration_ms = entry
    target = f"{path[:_SHOWN]}?{query_string[:_SHOWN].decode('latin-1')}" if query_string else path[:_SHOWN]
    return f'"{method} {target}" {status} {duration_ms:.1f} ms tenant={_tenant(headers) or "-"}'


def access_fields(entry: AccessEntry) -> dict[str, object]:
    """The access line's fields, as `record.http` carries them for the JSON format."""
    _, method, path, query_string, headers, status, duration_ms = entry
    return {
        "method": method,
        "path": path[:_SHOWN],
        "query": query_string[:_SHOWN].decode("latin-1"),
        "status": status,
        "duration_ms": round(duration_ms, 1),
        "tenant": _tenant(headers) or None,
    }


def _tenant(headers: list[tuple[bytes, bytes]]) -> str:
    """The first `Tenant-ID` header, shortened (the only header logged: API keys never are); "" without one."""
    for name, value in headers:
        if name == b"tenant-id":
            return value[:64].decode("latin-1")
    return ""


class BufferedAccessHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler whose access lines are queued by the request and written in batches by a thread."""

    def __init__(self, stream: IO[str] | None = None, interval: float = FLUSH_SECONDS) -> None:
        super().__init__(stream)
        self._interval = interval
        self._queue: deque[AccessEntry | str] = deque()
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._template: tuple[str, str] | None = None
        self._writing = threading.Lock()

    def setFormatter(self, fmt: logging.Formatter | None) -> None:  # noqa: N802 (logging's name)
        super().setFormatter(fmt)
        self._template = self._probe()

    def enqueue(self, entry: AccessEntry) -> None:
        """Queue one request's access line; the request does nothing more for its log."""
        self._queue.append(entry)
        if self._thread is None:
            self._start()

    def emit(self, record: logging.LogRecord) -> None:
        """Any other record sent to this handler, formatted now and written in its place among the queued lines."""
        try:
            self._queue.append(self.format(record))
        except Exception:
            self.handleError(record)
            return
        if self._thread is None:
            self._start()

    def flush(self) -> None:
        """Write every line queued so far, in the order they were queued."""
        with self._writing:
            queue, end = self._queue, self.terminator
            taken = [queue.popleft() for _ in range(len(queue))]
            lines = [item + end if isinstance(item, str) else self._line(item) + end for item in taken]
            if lines:
                self.stream.write("".join(lines))
            if self.stream and hasattr(self.stream, "flush"):
                self.stream.flush()

    def close(self) -> None:
        """Stop the thread and write what is still queued."""
        self._closed = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        try:
            self.flush()
        finally:
            super().close()

    def _start(self) -> None:
        with self._writing:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="access log", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._wake.wait(self._interval):
            try:
                self.flush()
            except Exception:  # a broken stream must not end the writer; logging reports it as it would
                self.handleError(logging.makeLogRecord({"msg": "access log flush failed"}))

    def _line(self, entry: AccessEntry) -> str:
        message = access_message(entry)
        if self._template is not None:
            prefix, suffix = self._template
            return prefix + message + suffix
        fields = access_fields(entry)
        record = logging.makeLogRecord(
            {"name": LOGGER, "levelno": logging.INFO, "levelname": "INFO", "msg": message, "http": fields}
        )
        record.created = entry[0]
        record.msecs = (entry[0] - int(entry[0])) * 1000
        return self.format(record)

    def _probe(self) -> tuple[str, str] | None:
        """The formatter's output around the message, when it depends on nothing but level and message."""
        formatter = self.formatter
        if formatter is None or type(formatter).format is not logging.Formatter.format:
            return None
        fields = set(_FIELD.findall(formatter._fmt or ""))
        if not fields <= _STEADY_FIELDS:
            return None
        record = logging.makeLogRecord({"name": LOGGER, "levelno": logging.INFO, "levelname": "INFO", "msg": _PROBE})
        line = self.format(record)
        if line.count(_PROBE) != 1:
            return None
        prefix, suffix = line.split(_PROBE)
        return prefix, suffix


def direct_handler(logger: logging.Logger) -> BufferedAccessHandler | None:
    """The logger's `BufferedAccessHandler` when it is all its records would reach, so a line may skip the record."""
    handlers = logger.handlers
    if len(handlers) != 1 or logger.propagate or logger.filters:
        return None
    handler = handlers[0]
    if type(handler) is not BufferedAccessHandler or handler.filters or handler.level > logging.INFO:
        return None
    return handler
