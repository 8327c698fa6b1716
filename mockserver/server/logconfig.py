"""How the server logs: uvicorn's and the mock's own records, as text lines or as one JSON object per line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from mockserver.http.accessbuffer import LOGGER, BufferedAccessHandler

__all__ = ["BANNER_LOGGER", "JsonFormatter", "LOG_FORMATS", "logging_config"]

LOG_FORMATS: Final = ("text", "json")
BANNER_LOGGER: Final = "flexportal_mock.banner"
"""The start-up banner's lines as records (JSON logs only): on stdout, where text logs print it, whatever the level."""


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger and message, plus the access-log fields when present."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            entry.update(http)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` document for uvicorn's `log_config`, writing to stderr.

    uvicorn's access logger is silenced: the request edge writes the access log instead (`accesslog.py`), through a
    `BufferedAccessHandler` that formats and writes its lines off the request path. The root logger
    takes the warnings of every other library, in the same format.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")
    if log_format == "json":
        formatter: dict[str, Any] = {"()": JsonFormatter}
    else:
        formatter = {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"}
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"},
            "banner": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stdout"},
            "access": {"()": BufferedAccessHandler, "formatter": "default", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "propagate": False},
            "flexportal_mock": {"handlers": ["default"], "level": level, "propagate": False},
            BANNER_LOGGER: {"handlers": ["banner"], "level": "INFO", "propagate": False},
            LOGGER: {"handlers": ["access"], "level": level, "propagate": False},
        },
        "root": {"handlers": ["default"], "level": max(level, "WARNING", key=logging.getLevelName)},
    }
