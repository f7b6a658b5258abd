"""The fixture book page, built by the real ``hugo`` with exported tiny clips, played in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from gdanim.publish.hugo import export_to_hugo
from tests.chromium import browser, needs_chromium, video_progress, wait_for
from tests.tiny_clips import render_tiny_clips

__all__ = ["browser"]  # the fixture, imported for pytest

SITE_FIXTURE: Path = Path(__file__).resolve().parents[1] / "hugo_site"
SCREENSHOT_COPY = Path("/tmp/hugo_page.png")
HUGO = shutil.which("hugo")

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(HUGO is None, reason="needs hugo (Debian package hugo; scripts/setup.sh installs it)"),
]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``public/ch10/index.html``, built with a ``file://`` base URL so it opens from disk."""
    out_dir = tmp_path_factory.getbasetemp() / "tiny-clips"
    render_tiny_clips(out_dir)
    site = tmp_path_factory.mktemp("hugo-browser") / "site"
    shutil.copytree(SITE_FIXTURE, site)
    export_to_hugo(out_dir, site)
    public = site.parent / "public"
    built = subprocess.run(
        [HUGO, "--quiet", "--source", str(site), "--destination", str(public), "--baseURL", public.as_uri() + "/"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert built.returncode == 0, built.stderr
    return public / "ch10" / "index.html"


def test_book_page_plays_the_clip_and_shows_the_gif(page: Path, browser, tmp_path: Path) -> None:
    browser.get(page.as_uri())
    assert browser.execute_script("return [document.documentElement.lang, document.documentElement.dir]") == [
        "he",
        "rtl",
    ]
    (progress,) = video_progress(browser)
    start, now, paused, error = progress
    assert error is None and not paused and now > start
    size = browser.execute_script(
        "const v = document.querySelector('video.gd-clip'); return [v.videoWidth, v.videoHeight, v.poster]"
    )
    assert size[0] > 0 and size[1] > 0 and size[2].endswith(".png")

    assert wait_for(browser, "return [...document.images].every(i => i.complete)")
    visible_images = browser.execute_script(
        "return [...document.querySelectorAll('img.gd-clip')].map(i => [i.naturalWidth, i.alt])"
    )
    (gif,) = visible_images
    assert gif[0] > 0 and gif[1].startswith("A ball starts")

    screenshot = tmp_path / "hugo_page.png"
    assert browser.save_screenshot(str(screenshot))
    shutil.copyfile(screenshot, SCREENSHOT_COPY)


# --- WCAG 2.2.2: a way to pause, and no motion for readers who asked for less ------------------

VIDEO = "document.querySelector('video.gd-clip')"
GIF = "document.querySelector('img.gd-clip')"
BUTTONS = "[...document.querySelectorAll('figure.gd-clip-figure button')]"


def _prefer_reduced_motion(browser, reduce: bool) -> None:
    """Emulate the reader's ``prefers-reduced-motion`` setting through the DevTools protocol."""
    value = "reduce" if reduce else ""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": value}]})


def test_with_reduced_motion_the_clips_show_their_posters_until_play_is_pressed(page: Path, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _prefer_reduced_motion(browser, True)
    try:
        browser.get(page.as_uri())
        assert wait_for(browser, f"return {VIDEO}.readyState >= 1 && {GIF}.complete")
        time.sleep(1.0)
        assert browser.execute_script(f"return [{VIDEO}.paused, {VIDEO}.currentTime]") == [True, 0]
        assert browser.execute_script(f"return {GIF}.currentSrc").endswith(".png")
        assert browser.execute_script(f"return {BUTTONS}.map(b => [b.hidden, b.textContent])") == [
            [False, "הפעלה"], [False, "Play"]
        ]
        video_button, gif_button = browser.find_elements(By.CSS_SELECTOR, "figure.gd-clip-figure button")
        video_button.send_keys(Keys.SPACE)  # the keyboard alone starts it
        assert wait_for(browser, f"return !{VIDEO}.paused && {VIDEO}.currentTime > 0.3")
        gif_button.send_keys(Keys.ENTER)
        assert wait_for(browser, f"return {GIF}.currentSrc.endsWith('.gif')")
    finally:
        _prefer_reduced_motion(browser, False)


def test_without_reduced_motion_the_clips_move_and_their_buttons_pause_them(page: Path, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(page.as_uri())
    assert wait_for(browser, f"return !{VIDEO}.paused && {VIDEO}.currentTime > 0.3")
    assert wait_for(browser, f"return {GIF}.currentSrc.endsWith('.gif')")
    video_button, gif_button = browser.find_elements(By.CSS_SELECTOR, "figure.gd-clip-figure button")
    assert video_button.text == "השהיה" and video_button.is_displayed()
    video_button.click()
    paused_at = browser.execute_script(f"return {VIDEO}.currentTime")
    time.sleep(0.6)
    assert browser.execute_script(f"return [{VIDEO}.paused, {VIDEO}.currentTime]") == [True, paused_at]
    assert video_button.text == "הפעלה"
    gif_button.click()
    assert wait_for(browser, f"return {GIF}.currentSrc.endsWith('.png')")
    assert gif_button.text == "Play"
