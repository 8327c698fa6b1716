"""What the command line writes outside uvicorn's logs: the banner, start-up errors, and stray output.

With text logs these are printed as they are. With JSON logs every one of them is a log record, so
that each line the process writes is one JSON object: the banner a record a line on stdout, an
error that stops the start a record on stderr, Python's warnings and uncaught exceptions (in any
thread) records with their traceback in the `exception` field.
"""

from __future__ import annotations

import argparse
import logging
import logging.config
import sys
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any, NoReturn

from mockserver.server.logconfig import BANNER_LOGGER, logging_config

__all__ = ["Announcer", "usage_errors_as_json"]

_LOGGER = "flexportal_mock"


class Announcer:
    """Writes the banner and start-up errors in the log format chosen; for JSON, logging is set up at once."""

    def __init__(self, log_config: dict[str, Any], *, as_json: bool) -> None:
        self.as_json = as_json
        if as_json:
            logging.config.dictConfig(log_config)
            logging.captureWarnings(True)
            sys.excepthook = _log_uncaught
            threading.excepthook = _log_uncaught_in_thread

    def banner(self, text: str) -> None:
        """The start-up banner, on stdout."""
        if not self.as_json:
            print(text, flush=True)
            return
        log = logging.getLogger(BANNER_LOGGER)
        for line in text.splitlines():
            log.info("%s", line.strip())

    def error(self, message: str) -> None:
        """An error that stops the start, on stderr."""
        if self.as_json:
            logging.getLogger(_LOGGER).error("%s", message)
        else:
            print(f"flexportal-mock: {message}", file=sys.stderr)


def usage_errors_as_json(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Make `parser` report a bad command line as a JSON record when `argv` asks for JSON logs."""
    words = list(argv)
    wants_json = "--log-format=json" in words or any(
        word == "--log-format" and following == "json" for word, following in zip(words, words[1:], strict=False)
    )
    if not wants_json:
        return

    def error(message: str) -> NoReturn:
        Announcer(logging_config("json", "info"), as_json=True).error(f"{message} (see {parser.prog} --help)")
        sys.exit(2)

    parser.error = error  # type: ignore[method-assign]


def _log_uncaught(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
    logging.getLogger(_LOGGER).critical("uncaught %s: %s", kind.__name__, error, exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger(_LOGGER).critical(
        "uncaught %s in thread %s: %s",
        args.exc_type.__name__,
        name,
        args.exc_value,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
