"""Headless Chromium driven by Selenium, for tests that check pages in a real browser."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMEDRIVER", "CHROMIUM", "browser", "needs_chromium", "video_progress", "wait_for"]

CHROMIUM: Path = Path("/usr/bin/chromium")
CHROMEDRIVER: Path = Path("/usr/bin/chromedriver")

CHROMIUM_FLAGS: list[str] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
    "--window-size=1200,1400",
]
"""Quiet, sandbox-free headless Chromium that autoplays muted video without a click."""

needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (scripts/setup.sh installs them)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait_for(browser: Any, script: str, timeout: float = 10.0) -> Any:
    """Poll a JavaScript expression until it is truthy; return its last value."""
    deadline = time.monotonic() + timeout
    value = browser.execute_script(script)
    while not value and time.monotonic() < deadline:
        time.sleep(0.1)
        value = browser.execute_script(script)
    return value


def video_progress(browser: Any, seconds: float = 1.0) -> list[tuple[float, float, bool, Any]]:
    """``(before, after, paused, error)`` of every ``<video>`` over ``seconds`` of playing."""
    assert wait_for(browser, "return [...document.querySelectorAll('video')].every(v => v.readyState >= 2)")
    before = browser.execute_script("return [...document.querySelectorAll('video')].map(v => v.currentTime)")
    time.sleep(seconds)
    after = browser.execute_script(
        "return [...document.querySelectorAll('video')].map(v => [v.currentTime, v.paused, v.error && v.error.code])"
    )
    return [(start, now, paused, error) for start, (now, paused, error) in zip(before, after, strict=True)]
