"""Headless Chromium for the browser tests: Debian's `chromium` driven through its `chromium-driver`.

Selenium is given both paths, so it never looks for or downloads a browser or a driver. Without
them the tests are skipped locally, with the reason, but fail in CI (`CI` set), where `.ci/run`
installs them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.helpers import missing_here

# As root, in a sandbox without a network, Chromium needs these to start and to keep quiet.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
WINDOW = (1280, 2000)
"""The window's width and height, unless a test asks for another."""


def chromium_paths() -> tuple[str, str]:
    """Debian's chromium and chromedriver, or a skip (a failure in CI) saying they are missing."""
    browser = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    missing_here("Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")


@contextmanager
def headless_chromium(profile: Path, window: tuple[int, int] = WINDOW) -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium with its own profile directory and a `window` (width, height), closed afterwards."""
    browser, driver_path = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*CHROMIUM_FLAGS, f"--window-size={window[0]},{window[1]}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.set_script_timeout(30)
        yield driver
    finally:
        driver.quit()
