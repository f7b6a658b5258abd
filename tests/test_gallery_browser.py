"""The gallery of real tiny renders, opened from disk in real headless Chromium.

Every GIF must decode, every MP4 must play, and a screenshot is kept for a
person to look at (also copied to ``/tmp/gallery.png``).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.tiny_clips import render_tiny_clips

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT_COPY = Path("/tmp/gallery.png")

CHROMIUM_FLAGS = [
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

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (scripts/setup.sh installs them)",
)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """``OUT/index.html`` after rendering the tiny clips with the real pipeline."""
    out_dir = tmp_path_factory.getbasetemp() / "tiny-clips"
    results = render_tiny_clips(out_dir)
    return out_dir / "index.html", results


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Headless Chromium with a fresh profile, driven by Selenium."""
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


def _wait_for(browser, script: str, timeout: float = 10.0):
    """Poll a JavaScript expression until it is truthy; return its last value."""
    deadline = time.monotonic() + timeout
    value = browser.execute_script(script)
    while not value and time.monotonic() < deadline:
        time.sleep(0.1)
        value = browser.execute_script(script)
    return value


def test_gallery_lists_every_clip_and_its_media_work_in_chromium(gallery, browser, tmp_path: Path) -> None:
    page, results = gallery
    browser.get(page.as_uri())
    sections = browser.execute_script("return [...document.querySelectorAll('section.clip')].map(s => s.id)")
    assert sorted(sections) == sorted(result.entry["id"] for result in results)

    assert _wait_for(browser, "return [...document.images].every(i => i.complete)")
    images = browser.execute_script(
        "return [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight])"
    )
    assert len(images) == len(results)
    assert all(src.endswith(".gif") and width > 0 and height > 0 for src, width, height in images), images

    assert _wait_for(browser, "return [...document.querySelectorAll('video')].every(v => v.readyState >= 2)")
    before = browser.execute_script("return [...document.querySelectorAll('video')].map(v => v.currentTime)")
    time.sleep(1.0)
    after = browser.execute_script(
        "return [...document.querySelectorAll('video')].map(v => [v.currentTime, v.paused, v.error && v.error.code])"
    )
    assert len(after) == len(results)
    for start, (now, paused, error) in zip(before, after, strict=True):
        assert error is None and not paused
        assert now > start, (start, now)

    screenshot = tmp_path / "gallery.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000
    shutil.copyfile(screenshot, SCREENSHOT_COPY)
