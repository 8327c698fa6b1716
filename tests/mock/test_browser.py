"""In a real headless browser: a page on another origin lists and edits customers; the docs console calls the mock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.docs.pages import EXAMPLE_BASE, blocks, section
from tests.helpers import RunningMock, headers, running_mock
from tests.mock.browser import headless_chromium


def fetch_example() -> str:
    """The JavaScript of the frontend page."""
    (example,) = blocks(section("docs/frontend.md", "Read and edit from a browser app"), "js")
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
<p id="edited"></p>
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


HEADERS = headers("demo-key")


def first_twenty(base_url: str) -> list[dict[str, Any]]:
    """The customers the example lists: two pages of ten by last name."""
    query: dict[str, Any] = {"limit": 10, "sortBy": "lastName", "sortOrder": "asc"}
    first = httpx.get(f"{base_url}/v1/customers", params=query, headers=HEADERS).json()
    second = httpx.get(
        f"{base_url}/v1/customers", params={**query, "startAfter": first["nextCursor"]}, headers=HEADERS
    ).json()
    return [*first["customers"], *second["customers"]]


def test_a_page_on_another_origin_lists_customers_and_edits_one(
    browser: webdriver.Chrome, mock: RunningMock, app_origin: str
) -> None:
    assert app_origin != mock.base_url
    httpx.post(f"{mock.base_url}/_mock/reset", headers=HEADERS).raise_for_status()
    listed = first_twenty(mock.base_url)
    browser.get(app_origin)
    WebDriverWait(browser, 30).until(
        lambda driver: driver.find_element(By.ID, "edited").text or driver.find_element(By.ID, "failure").text
    )
    assert browser.find_element(By.ID, "failure").text == ""
    rendered = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#customers li")]
    assert rendered == [f"{c['lastName']}, {c['firstName']} <{c['email']}>" for c in listed]
    edited_id = listed[0]["customerId"]
    assert browser.find_element(By.ID, "edited").text == f"{edited_id} is now Łukasiewicz"
    stored = httpx.get(f"{mock.base_url}/v1/customers/{edited_id}", headers=HEADERS).json()["customer"]
    assert stored["lastName"] == "Łukasiewicz" != listed[0]["lastName"], "the PATCH from the page changed the customer"
    httpx.post(f"{mock.base_url}/_mock/reset", headers=HEADERS).raise_for_status()


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


def open_operation(browser: webdriver.Chrome, operation: str, parameters: dict[str, str]) -> WebElement:
    """Expand `operation` in the docs page and fill in its `parameters`; the operation's block."""
    click(browser, f"#operations-Customers-{operation} .opblock-summary-control")
    for name, value in parameters.items():
        selector = f'#operations-Customers-{operation} tr[data-param-name="{name}"] input'
        field = WebDriverWait(browser, 30).until(
            lambda driver, selector=selector: driver.find_element(By.CSS_SELECTOR, selector)  # type: ignore[misc]
        )
        replace_text(field, value)
    return browser.find_element(By.ID, f"operations-Customers-{operation}")


def test_docs_console_updates_a_customer(browser: webdriver.Chrome, mock: RunningMock) -> None:
    httpx.post(f"{mock.base_url}/_mock/reset", headers=HEADERS).raise_for_status()
    customer_id = first_twenty(mock.base_url)[0]["customerId"]
    browser.get(f"{mock.base_url}/docs")
    WebDriverWait(browser, 30).until(lambda driver: driver.find_element(By.ID, "operations-Customers-updateCustomer"))
    if not browser.find_elements(By.CSS_SELECTOR, "button.authorize.locked"):
        click(browser, "button.authorize")
        key = WebDriverWait(browser, 30).until(lambda driver: driver.find_element(By.CSS_SELECTOR, ".modal-ux input"))
        key.send_keys("demo-key")
        click(browser, ".modal-ux .auth-btn-wrapper button.authorize")
        click(browser, ".modal-ux button.btn-done")

    operation = open_operation(browser, "updateCustomer", {"Tenant-ID": "acme", "customerId": customer_id})
    body = WebDriverWait(browser, 30).until(
        lambda driver: operation.find_element(By.CSS_SELECTOR, "textarea.body-param__text")
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", body)
    replace_text(body, '{"lastName": "Tried Out"}')
    click(browser, "#operations-Customers-updateCustomer button.execute")

    status = WebDriverWait(browser, 30).until(
        lambda driver: operation.find_element(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status")
    )
    answer = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre").text
    assert status.text.strip() == "200", answer
    assert '"lastName": "Tried Out"' in answer
    stored = httpx.get(f"{mock.base_url}/v1/customers/{customer_id}", headers=HEADERS).json()["customer"]
    assert stored["lastName"] == "Tried Out"
    httpx.post(f"{mock.base_url}/_mock/reset", headers=HEADERS).raise_for_status()


FIRST_SCREEN = (1400, 1800)


@pytest.fixture(scope="module")
def tall_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with headless_chromium(tmp_path_factory.mktemp("chromium-tall"), window=FIRST_SCREEN) as driver:
        yield driver


def test_docs_page_opens_on_authorize_and_the_operations(
    tall_browser: webdriver.Chrome, mock: RunningMock, tmp_path: Path
) -> None:
    """In a 1400x1800 window, with no scrolling, Authorize and the three operations are on the first screen."""
    tall_browser.get(f"{mock.base_url}/docs")
    WebDriverWait(tall_browser, 30).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, "#api-description .renderedMarkdown")
    )
    targets = {
        "Authorize": "button.authorize",
        "List customers": "#operations-Customers-listCustomers .opblock-summary",
        "Get customer": "#operations-Customers-getCustomer .opblock-summary",
        "Update customer": "#operations-Customers-updateCustomer .opblock-summary",
    }
    viewport = tall_browser.execute_script("return [window.scrollY, window.innerWidth, window.innerHeight]")
    assert viewport[0] == 0
    for name, selector in targets.items():
        element = tall_browser.find_element(By.CSS_SELECTOR, selector)
        top, bottom, left, right = tall_browser.execute_script(
            "const box = arguments[0].getBoundingClientRect(); return [box.top, box.bottom, box.left, box.right];",
            element,
        )
        assert top >= 0 and bottom <= viewport[2] and left >= 0 and right <= viewport[1], (name, top, bottom, viewport)
        assert element.is_displayed(), name
    description = tall_browser.find_element(By.ID, "api-description")
    operations = tall_browser.find_element(By.CSS_SELECTOR, "#operations-Customers-updateCustomer")
    assert description.location["y"] > operations.location["y"], "the long description comes after the operations"
    assert "Every error has the body" in description.text
    screenshot = tmp_path / "docs-first-screen.png"
    assert tall_browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 0
