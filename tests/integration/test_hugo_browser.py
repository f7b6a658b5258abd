"""The fixture book page, built by the real ``hugo`` with exported tiny clips, read in headless Chromium.

The page is served over HTTP from this machine (``http.server``), so the Performance API reports
what each resource transferred. Chapter 10's fixture has a video at the top (Hebrew, light and dark
variants: it follows the reader's colour scheme), then 4,500 px further down an English GIF and an
English video.
"""

from __future__ import annotations

import functools
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gdanim.publish.hugo import export_to_hugo
from tests.chromium import browser, needs_chromium, wait_for
from tests.hugo_tools import HUGO_BINARIES, build_site
from tests.tiny_clips import render_tiny_clips

__all__ = ["browser"]  # the fixture, imported for pytest

SITE_FIXTURE: Path = Path(__file__).resolve().parents[1] / "hugo_site"
SCREENSHOT_COPY = Path("/tmp/hugo_page.png")

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(HUGO_BINARIES["debian"] is None, reason="needs hugo (Debian package hugo; scripts/setup.sh)"),
]

TOP = "document.querySelectorAll('video.gd-clip')[0]"
BOTTOM = "document.querySelectorAll('video.gd-clip')[1]"
GIF = "document.querySelector('img.gd-clip')"
FIGURES = "[...document.querySelectorAll('figure.gd-clip-figure')]"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Chapter 10's URL on a local HTTP server, and the site's folder."""
    out_dir = tmp_path_factory.getbasetemp() / "tiny-clips"
    render_tiny_clips(out_dir)
    site = tmp_path_factory.mktemp("hugo-browser") / "site"
    shutil.copytree(SITE_FIXTURE, site)
    export_to_hugo(out_dir, site)
    public = site.parent / "public"
    public.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(public)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    built = build_site(HUGO_BINARIES["debian"], site, public, "--quiet", "--baseURL", base)
    assert built.returncode == 0, built.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base + "ch10/", site
    server.shutdown()
    server.server_close()


def _emulate(browser, **features: str) -> None:
    """Emulate the reader's media features (``prefers_color_scheme="dark"``, …) through the DevTools protocol."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": name.replace("_", "-"), "value": value} for name, value in features.items()]
    })


@pytest.fixture
def reader(browser) -> Iterator:
    """The browser, its emulated preferences reset after each test, the cache off so bytes are counted afresh."""
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    yield browser
    _emulate(browser, prefers_color_scheme="", prefers_reduced_motion="")
    browser.execute_script("window.scrollTo(0, 0)")


def _scroll_to(browser, element: str) -> None:
    browser.execute_script(f"{element}.scrollIntoView({{block: 'center'}})")


def _site_file(site: Path, url: str) -> Path:
    return site / "static" / url.split("/", 3)[3]


def _data_file(site: Path, language: str, theme: str, kind: str) -> Path:
    (path,) = (site / "static" / "gdanim" / "rolling-descent").glob(f"{language}-{theme}-*.{kind}")
    return path


def test_before_scrolling_the_page_transfers_no_gif_and_nothing_of_the_clips_below(page: tuple, reader) -> None:
    url, site = page
    reader.get(url)
    assert wait_for(reader, f"return document.readyState === 'complete' && !{TOP}.paused && {TOP}.currentTime > 0.3")
    time.sleep(0.5)
    entries = reader.execute_script(
        "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".map(e => [e.name, e.transferSize])"
    )
    fetched = {name.split("/", 3)[3]: size for name, size in entries if not name.endswith("/favicon.ico")}
    assert not [name for name in fetched if name.endswith(".gif")]
    assert not [name for name in fetched if "/en-dark-" in name and not name.endswith(".png")]
    allowed = {"ch10/", *(f"gdanim/rolling-descent/{_data_file(site, 'he', 'light', kind).name}" for kind in ("mp4", "png")),
               f"gdanim/rolling-descent/{_data_file(site, 'en', 'dark', 'png').name}"}  # the bottom video's poster
    assert set(fetched) <= allowed, fetched
    page_bytes = sum(fetched.values())
    largest = sum(_data_file(site, language, "light" if language == "he" else "dark", kind).stat().st_size
                  for language, kind in (("he", "mp4"), ("he", "png"), ("en", "png")))
    assert 0 < page_bytes <= largest + 20_000  # the page itself and HTTP headers: a few kB


def test_clips_start_when_half_visible_and_pause_when_scrolled_away(page: tuple, reader) -> None:
    reader.get(page[0])
    assert wait_for(reader, f"return !{TOP}.paused && {TOP}.currentTime > 0.3")
    time.sleep(0.5)
    assert reader.execute_script(f"return [{BOTTOM}.paused, {BOTTOM}.currentTime, {BOTTOM}.readyState]") == [True, 0, 0]
    assert reader.execute_script(f"return {FIGURES}.map(f => f.getAttribute('data-playing'))") == [
        "true", "false", "false"
    ]
    assert reader.execute_script(f"return {GIF}.currentSrc").endswith(".png")  # its poster until it is in view

    _scroll_to(reader, BOTTOM)
    assert wait_for(reader, f"return !{BOTTOM}.paused && {BOTTOM}.currentTime > 0.3")
    assert wait_for(reader, f"return {TOP}.paused")
    _scroll_to(reader, GIF)
    assert wait_for(reader, f"return {GIF}.complete && {GIF}.currentSrc.endsWith('.gif')")
    assert reader.execute_script(f"return {FIGURES}[1].getAttribute('data-playing')") == "true"


def _mean_brightness(browser, video: str) -> float:
    """The mean brightness (0-255) of the video's current frame, drawn onto a canvas."""
    return browser.execute_script(f"""
        const v = {video}, c = document.createElement('canvas');
        c.width = v.videoWidth; c.height = v.videoHeight;
        const g = c.getContext('2d'); g.drawImage(v, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data; let s = 0;
        for (let i = 0; i < d.length; i += 4) s += (d[i] + d[i + 1] + d[i + 2]) / 3;
        return s / (d.length / 4);""")


def test_a_reader_who_prefers_dark_sees_the_dark_clip(page: tuple, reader, tmp_path: Path) -> None:
    url, site = page
    _emulate(reader, prefers_color_scheme="dark")
    reader.get(url)
    assert wait_for(reader, f"return !{TOP}.paused && {TOP}.currentTime > 0.3")
    source, poster = reader.execute_script(f"return [{TOP}.currentSrc, {TOP}.getAttribute('poster')]")
    assert source.endswith(_data_file(site, "he", "dark", "mp4").name)
    assert poster.endswith(_data_file(site, "he", "dark", "png").name)
    assert _mean_brightness(reader, TOP) < 80

    _emulate(reader, prefers_color_scheme="light")
    reader.get(url)
    assert wait_for(reader, f"return !{TOP}.paused && {TOP}.currentTime > 0.3")
    assert reader.execute_script(f"return {TOP}.currentSrc").endswith(_data_file(site, "he", "light", "mp4").name)
    assert _mean_brightness(reader, TOP) > 170
    screenshot = tmp_path / "hugo_page.png"
    assert reader.save_screenshot(str(screenshot))
    shutil.copyfile(screenshot, SCREENSHOT_COPY)


# --- WCAG 2.2.2: a way to pause, and no motion for readers who asked for less ------------------


def test_with_reduced_motion_the_clips_show_their_posters_until_play_is_pressed(page: tuple, reader) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _emulate(reader, prefers_reduced_motion="reduce")
    reader.get(page[0])
    assert wait_for(reader, "return document.readyState === 'complete'")
    time.sleep(1.0)
    assert reader.execute_script(f"return [{TOP}.paused, {TOP}.currentTime]") == [True, 0]
    assert reader.execute_script(f"return {TOP}.getAttribute('poster')").endswith(".png")
    assert wait_for(reader, f"""return (() => {{ const i = new Image(); i.src = {TOP}.poster; return i.complete; }})()""")
    assert reader.execute_script(f"return {FIGURES}.map(f => f.querySelector('button').textContent)") == [
        "הפעלה", "Play", "Play"
    ]
    _scroll_to(reader, GIF)  # in view, the GIF embed still shows its poster
    assert wait_for(reader, f"return {GIF}.complete && {GIF}.currentSrc.endsWith('.png')")
    gif_button = reader.find_elements(By.CSS_SELECTOR, "figure.gd-clip-figure button")[1]
    gif_button.send_keys(Keys.ENTER)  # the keyboard alone starts it
    assert wait_for(reader, f"return {GIF}.currentSrc.endsWith('.gif')")
    reader.execute_script("window.scrollTo(0, 0)")
    top_button = reader.find_elements(By.CSS_SELECTOR, "figure.gd-clip-figure button")[0]
    top_button.send_keys(Keys.SPACE)
    assert wait_for(reader, f"return !{TOP}.paused && {TOP}.currentTime > 0.3")


def test_without_reduced_motion_the_buttons_pause_the_clips(page: tuple, reader) -> None:
    from selenium.webdriver.common.by import By

    reader.get(page[0])
    assert reader.execute_script("return [document.documentElement.lang, document.documentElement.dir]") == [
        "he", "rtl"
    ]
    assert wait_for(reader, f"return !{TOP}.paused && {TOP}.currentTime > 0.3")
    top_button = reader.find_elements(By.CSS_SELECTOR, "figure.gd-clip-figure button")[0]
    assert top_button.text == "השהיה" and top_button.is_displayed()
    top_button.click()
    paused_at = reader.execute_script(f"return {TOP}.currentTime")
    time.sleep(0.6)
    assert reader.execute_script(f"return [{TOP}.paused, {TOP}.currentTime]") == [True, paused_at]
    assert top_button.text == "הפעלה"
    _scroll_to(reader, GIF)
    assert wait_for(reader, f"return {GIF}.currentSrc.endsWith('.gif')")
    gif_button = reader.find_elements(By.CSS_SELECTOR, "figure.gd-clip-figure button")[1]
    gif_button.click()
    assert wait_for(reader, f"return {GIF}.currentSrc.endsWith('.png')")
    assert gif_button.text == "Play"
    # The reader's pause holds when the clip scrolls away and back.
    reader.execute_script("window.scrollTo(0, 0)")
    _scroll_to(reader, GIF)
    time.sleep(0.5)
    assert reader.execute_script(f"return {GIF}.currentSrc").endswith(".png")
