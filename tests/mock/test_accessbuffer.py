"""The server's access-log handler: lines queued by requests, written by its thread, none lost when it stops."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.http.accessbuffer import LOGGER, BufferedAccessHandler, direct_handler
from mockserver.http.accesslog import log_request
from mockserver.server.logconfig import logging_config
from tests.helpers import HEADERS

SCOPE = {
    "method": "GET",
    "path": "/v1/customers",
    "query_string": b"limit=2&email=a%40b.test",
    "headers": [(b"authorization", b"Bearer secret"), (b"tenant-id", b"acme")],
}


@pytest.fixture
def configured(request: pytest.FixtureRequest) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """An access logger with the handler and formatter the command line configures (format: the test's param).

    It writes to a buffer, and only an explicit flush or close writes. The logger is a fresh one,
    so that pytest's capture, which joins every logger that does not propagate, stays out of it.
    """
    stream = io.StringIO()
    config = logging_config(request.param, "info")
    handler = BufferedAccessHandler(stream, interval=3600)
    handler.setFormatter(logging.config.DictConfigurator(config).configure_formatter(config["formatters"]["default"]))
    logger = logging.Logger(LOGGER, logging.INFO)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        handler.close()


@contextmanager
def as_the_access_logger(logger: logging.Logger) -> Iterator[None]:
    """The served app's access logger given `logger`'s handlers and level for a while."""
    served = logging.getLogger(LOGGER)
    saved = served.handlers, served.level, served.propagate
    served.handlers, served.propagate = logger.handlers, False
    served.setLevel(logger.level)
    try:
        yield
    finally:
        served.handlers, served.propagate = saved[0], saved[2]
        served.setLevel(saved[1])


@pytest.mark.parametrize("configured", ["text"], indirect=True)
def test_a_request_only_queues_its_line_until_the_flush(configured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = configured
    handler = direct_handler(logger)
    assert isinstance(handler, BufferedAccessHandler)
    log_request(logger, SCOPE, 200, 1.234)
    assert stream.getvalue() == ""
    handler.flush()
    assert stream.getvalue() == 'INFO:     "GET /v1/customers?limit=2&email=a%40b.test" 200 1.2 ms tenant=acme\n'


@pytest.mark.parametrize("configured", ["text"], indirect=True)
def test_the_line_is_the_one_a_record_would_give(configured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = configured
    handler = logger.handlers[0]
    log_request(logger, SCOPE, 404, 0.05)
    logger.handlers = [logging.StreamHandler(stream)]  # not the buffered handler: a record, written at once
    logger.handlers[0].setFormatter(handler.formatter)
    log_request(logger, SCOPE, 404, 0.05)
    logger.handlers = [handler]
    handler.flush()
    direct, recorded = stream.getvalue().splitlines()[::-1]
    assert direct == recorded


@pytest.mark.parametrize("configured", ["json"], indirect=True)
def test_json_lines_carry_the_fields_and_the_time(
    configured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = configured
    log_request(logger, SCOPE, 200, 2.0)
    logger.warning("another record, in its place")
    logger.handlers[0].close()
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {key: first[key] for key in ("logger", "level", "method", "path", "query", "status", "tenant")} == {
        "logger": LOGGER,
        "level": "info",
        "method": "GET",
        "path": "/v1/customers",
        "query": "limit=2&email=a%40b.test",
        "status": 200,
        "tenant": "acme",
    }
    assert first["duration_ms"] == 2.0 and first["time"] <= second["time"]
    assert second["message"] == "another record, in its place"
    assert "secret" not in stream.getvalue()


@pytest.mark.parametrize("configured", ["text"], indirect=True)
def test_the_server_stopping_writes_every_queued_line(configured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = configured
    app = create_app(Settings(customers=5, tenants=("acme",)))
    with as_the_access_logger(logger), TestClient(app) as client:
        for _ in range(50):
            assert client.get("/v1/customers?limit=1", headers=HEADERS).status_code == 200
        assert stream.getvalue() == "", "queued, not written, while the server runs"
    assert stream.getvalue().count('"GET /v1/customers?limit=1" 200') == 50


def test_other_configurations_get_a_record_at_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        log_request(logging.getLogger(LOGGER), SCOPE, 401, 3.0)
    (record,) = [record for record in caplog.records if record.name == LOGGER]
    assert record.getMessage() == '"GET /v1/customers?limit=2&email=a%40b.test" 401 3.0 ms tenant=acme'
    assert record.http["status"] == 401  # type: ignore[attr-defined]


def test_the_writer_thread_flushes_on_its_timer() -> None:
    stream = io.StringIO()
    handler = BufferedAccessHandler(stream, interval=0.01)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.Logger("timer-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        log_request(logger, SCOPE, 200, 1.0)
        for _ in range(500):
            if stream.getvalue():
                break
            time.sleep(0.01)
        assert stream.getvalue().startswith('INFO "GET /v1/customers?')
    finally:
        handler.close()


def test_a_formatter_reading_more_than_level_and_message_gets_a_record_per_line() -> None:
    stream = io.StringIO()
    handler = BufferedAccessHandler(stream, interval=3600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", datefmt="%Y"))
    logger = logging.Logger("format-test")
    logger.addHandler(handler)
    logger.propagate = False
    log_request(logger, SCOPE, 200, 1.0)
    handler.close()
    year = time.strftime("%Y")
    assert stream.getvalue() == f'{year} INFO "GET /v1/customers?limit=2&email=a%40b.test" 200 1.0 ms tenant=acme\n'
