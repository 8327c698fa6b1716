"""Hostile and malformed input: always a 4xx in the documented envelope, never a 500, a hang or a crash.

Sent over real sockets to a running mock, since the worst of it (NUL bytes, raw non-ASCII,
oversized heads) never reaches the application: the HTTP parser sees it first.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import orjson
import pytest

from mockserver.http.limits import MAX_HEAD_BYTES, MAX_QUERY_BYTES
from tests.helpers import RunningMock, running_mock

KEY = "hostile-key"
AUTH = b"Authorization: Bearer " + KEY.encode() + b"\r\nTenant-ID: acme\r\n"


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with running_mock("--api-key", KEY, "--customers", "50", "--log-level", "warning") as running:
        yield running


def raw(mock: RunningMock, *chunks: bytes, pause: float = 0.0) -> tuple[int, dict[str, object], bytes]:
    """Send `chunks` as they are on one connection; the status, the JSON body and the raw head."""
    host, port = mock.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        for chunk in chunks:
            sock.sendall(chunk)
            time.sleep(pause)
        received = b""
        while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            received += data
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), orjson.loads(body), head


def assert_envelope(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict) and error["code"] == code and error["message"]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Note: a\x00b\r\n" + AUTH + b"\r\n",
        b"GET /v1/customers?email=\xff\xfe HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n",
        b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nBroken header line\r\n" + AUTH + b"\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  # a TLS hello sent to plain HTTP
    ],
    ids=["nul-in-header", "raw-non-ascii-target", "malformed-header", "tls-to-http"],
)
def test_unparsable_requests_get_the_envelope(mock: RunningMock, request_bytes: bytes) -> None:
    status, body, head = raw(mock, request_bytes)
    assert status == 400 and b"application/json" in head.lower()
    assert_envelope(body, "BAD_REQUEST")


def test_an_oversized_head_is_refused_whether_it_arrives_whole_or_in_pieces(mock: RunningMock) -> None:
    big = b"X-Padding: " + b"a" * (MAX_HEAD_BYTES + 100) + b"\r\n"
    start = b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n" + AUTH
    status, body, _ = raw(mock, start + big + b"\r\n")
    assert status == 400 and "at most 16384" in str(body)
    status, body, _ = raw(mock, start, big[:9000], big[9000:] + b"\r\n", pause=0.05)
    assert status == 400
    assert_envelope(body, "BAD_REQUEST")


def test_a_head_that_never_ends_is_cut_off_at_the_limit(mock: RunningMock) -> None:
    start = b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n" + AUTH + b"X-Padding: "
    status, body, head = raw(mock, start, b"a" * 10_000, b"a" * 10_000, pause=0.05)
    assert status == 400 and b"connection: close" in head.lower()
    assert_envelope(body, "BAD_REQUEST")


def test_http_1_1_without_host_is_refused(mock: RunningMock) -> None:
    status, body, _ = raw(mock, b"GET /v1/customers HTTP/1.1\r\n" + AUTH + b"\r\n")
    assert status == 400
    assert_envelope(body, "BAD_REQUEST")


def test_a_large_body_is_not_counted_as_head(mock: RunningMock) -> None:
    body = b'{"padding": "' + b"a" * (2 * MAX_HEAD_BYTES) + b'"}'
    request = b"POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + AUTH
    status, answer, _ = raw(mock, request + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert status == 405
    assert_envelope(answer, "METHOD_NOT_ALLOWED")


def test_large_values_within_the_limits_are_judged_on_their_merits(mock: RunningMock) -> None:
    client = httpx.Client(base_url=mock.base_url, headers={"Authorization": f"Bearer {KEY}", "Tenant-ID": "acme"})
    with client:
        assert client.get("/v1/customers", params={"limit": 1}, headers={"X-Padding": "a" * 8192}).status_code == 200
        response = client.get("/v1/customers", headers={"Tenant-ID": "t" * 8192})
        assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_TENANT_ID"
        response = client.get("/v1/customers", params={"startAfter": "A" * 8000})
        assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_CURSOR"
        response = client.get("/v1/customers", params={"email": "e" * (MAX_QUERY_BYTES + 1)})
        assert response.status_code == 400 and "query string" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [
        ("/v1/customers?limit=%zz", 400, "INVALID_PARAMETER"),
        ("/v1/customers?limit=%", 400, "INVALID_PARAMETER"),
        ("/v1/customers?startAfter=%00", 400, "INVALID_CURSOR"),
        ("/v1/customers?startAfter=%ff%fe%fd", 400, "INVALID_CURSOR"),
        ("/v1/customers?sortBy=%00createdAt", 400, "INVALID_PARAMETER"),
        ("/v1/customers?limit=5&limit=6", 400, "INVALID_PARAMETER"),
        ("/v1/customers?%ff=1", 400, "UNKNOWN_PARAMETER"),
        ("/v1/customers/%ff%fe", 404, "CUSTOMER_NOT_FOUND"),
        ("/v1/customers/%00", 404, "CUSTOMER_NOT_FOUND"),
        ("/v1/%ff", 404, "NOT_FOUND"),
    ],
)
def test_bad_encodings_get_a_clear_4xx(mock: RunningMock, target: str, status: int, code: str) -> None:
    got, body, _ = raw(mock, f"GET {target} HTTP/1.1\r\nHost: x\r\n".encode() + AUTH + b"\r\n")
    assert got == status
    assert_envelope(body, code)


def test_nul_and_invalid_utf8_in_an_email_are_just_no_match(mock: RunningMock) -> None:
    for value in ("%00", "%ff%fe@example.com"):
        status, body, _ = raw(
            mock, f"GET /v1/customers?email={value} HTTP/1.1\r\nHost: x\r\n".encode() + AUTH + b"\r\n"
        )
        assert status == 200 and body["customers"] == []


def test_a_body_on_a_get_is_refused(mock: RunningMock) -> None:
    body = b'{"status": "active"}'
    request = b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    status, answer, _ = raw(mock, request + AUTH + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert status == 400 and "takes no request body" in str(answer)
    chunked = request + AUTH + b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    status, answer, _ = raw(mock, chunked)
    assert status == 400
    assert_envelope(answer, "BAD_REQUEST")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_405_with_allow_even_with_a_json_body(mock: RunningMock, method: str) -> None:
    response = httpx.request(
        method,
        f"{mock.base_url}/v1/customers",
        json={"email": "a@b.c"},
        headers={"Authorization": f"Bearer {KEY}", "Tenant-ID": "acme"},
    )
    assert response.status_code == 405 and "GET" in response.headers["allow"].split(", ")
    assert_envelope(response.json(), "METHOD_NOT_ALLOWED")


def test_the_server_survives_it_all(mock: RunningMock) -> None:
    # Runs last in this module: after every hostile request above, the server still serves.
    response = httpx.get(
        f"{mock.base_url}/v1/customers", headers={"Authorization": f"Bearer {KEY}", "Tenant-ID": "acme"}
    )
    assert response.status_code == 200 and response.json()["count"] == 50
