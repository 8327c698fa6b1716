"""In a real headless browser: a page on another origin lists customers, and the docs console calls the mock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import headless_chromium
from tests.pages import EXAMPLE_BASE, blocks, section
from tests.serving import RunningMock, running_mock


def fetch_example() -> str:
    """The JavaScript of the frontend page."""
    (example,) = blocks(section("docs/frontend.md", "Use it from a frontend"), "js")
    return example


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with running_mock("--customers", "40", "--tenant", "acme", "--log-level", "warning") as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


@pytest.fixture(scope="module")
def app_origin(mock: RunningMock) -> Iterator[str]:
    """A second web server, another origin, serving one page that runs the frontend page's example against the mock."""
    script = fetch_example().replace(EXAMPLE_BASE, mock.base_url)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>customers</title></head>
<body>
<ul id="customers"></ul>
<p id="failure"></p>
<script>
window.addEventListener("unhandledrejection", (event) => {{
  document.querySelector("#failure").textContent = String(event.reason);
}});
</script>
<script type="module">
{script}
</script>
</body></html>
""".encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def expected_names(base_url: str) -> list[str]:
    headers = {"Authorization": "Bearer demo-key", "Tenant-ID": "acme"}
    query: dict[str, Any] = {"limit": 10, "sortBy": "lastName", "sortOrder": "asc"}
    first = httpx.get(f"{base_url}/v1/customers", params=query, headers=headers).json()
    second = httpx.get(
        f"{base_url}/v1/customers", params={**query, "startAfter": first["nextCursor"]}, headers=headers
    ).json()
    return [f"{c['lastName']}, {c['firstName']} <{c['email']}>" for c in first["customers"] + second["customers"]]


def test_a_page_on_another_origin_renders_two_pages_of_customers(
    browser: webdriver.Chrome, mock: RunningMock, app_origin: str
) -> None:
    assert app_origin != mock.base_url
    browser.get(app_origin)
    WebDriverWait(browser, 30).until(
        lambda driver: (
            len(driver.find_elements(By.CSS_SELECTOR, "#customers li")) == 20
            or driver.find_element(By.ID, "failure").text
        )
    )
    assert browser.find_element(By.ID, "failure").text == ""
    rendered = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#customers li")]
    assert rendered == expected_names(mock.base_url)


def test_a_page_on_another_origin_reads_retry_after(
    browser: webdriver.Chrome, mock: RunningMock, app_origin: str
) -> None:
    browser.get(app_origin)
    status, retry_after, code = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0] + "/v1/customers", {
          headers: { "Authorization": "Bearer demo-key", "Tenant-ID": "acme", "Prefer": "code=429" },
        }).then(async (response) => done([response.status, response.headers.get("Retry-After"),
                                          (await response.json()).error.code]),
                (error) => done([0, String(error), null]));
        """,
        mock.base_url,
    )
    assert (status, retry_after, code) == (429, "1", "RATE_LIMITED")


def click(browser: webdriver.Chrome, selector: str) -> None:
    element = WebDriverWait(browser, 30).until(lambda driver: driver.find_element(By.CSS_SELECTOR, selector))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def replace_text(field: WebElement, text: str) -> None:
    """Type `text` over a field's value the way a person does, then leave the field, which commits it."""
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text, Keys.TAB)


def test_docs_page_renders_the_contract_and_its_console_calls_the_mock(
    browser: webdriver.Chrome, mock: RunningMock
) -> None:
    browser.get(f"{mock.base_url}/docs")
    title = WebDriverWait(browser, 30).until(lambda driver: driver.find_element(By.CSS_SELECTOR, ".info .title"))
    assert "FlexPortal Customers API" in title.text
    assert browser.find_elements(By.ID, "operations-Customers-getCustomer"), "the spec's operations are listed"

    click(browser, "button.authorize")
    key = WebDriverWait(browser, 30).until(lambda driver: driver.find_element(By.CSS_SELECTOR, ".modal-ux input"))
    key.send_keys("demo-key")
    click(browser, ".modal-ux .auth-btn-wrapper button.authorize")
    click(browser, ".modal-ux button.btn-done")

    click(browser, "#operations-Customers-listCustomers .opblock-summary-control")
    tenant = WebDriverWait(browser, 30).until(
        lambda driver: driver.find_element(
            By.CSS_SELECTOR, '#operations-Customers-listCustomers tr[data-param-name="Tenant-ID"] input'
        )
    )
    replace_text(tenant, "acme")
    limit = browser.find_element(
        By.CSS_SELECTOR, '#operations-Customers-listCustomers tr[data-param-name="limit"] input'
    )
    replace_text(limit, "3")
    click(browser, "#operations-Customers-listCustomers button.execute")

    operation = browser.find_element(By.ID, "operations-Customers-listCustomers")
    status = WebDriverWait(browser, 30).until(
        lambda driver: operation.find_element(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status")
    )
    assert status.text.strip() == "200"
    request_url = operation.find_element(By.CSS_SELECTOR, ".request-url pre").text
    assert request_url.startswith(f"{mock.base_url}/v1/customers?") and "limit=3" in request_url
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre").text
    assert '"count": 3' in body and '"hasMore": true' in body

    loaded = browser.execute_script("return performance.getEntriesByType('resource').map((entry) => entry.name)")
    assert loaded and all(url.startswith(mock.base_url) for url in loaded), loaded
