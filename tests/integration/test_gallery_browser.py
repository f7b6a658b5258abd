"""The gallery of real tiny renders, opened from disk in real headless Chromium.

Every GIF must decode, every MP4 must play, and a screenshot is kept for a
person to look at (also copied to ``/tmp/gallery.png``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.chromium import browser, needs_chromium, video_progress, wait_for
from tests.tiny_clips import render_tiny_clips

__all__ = ["browser"]  # the fixture, imported for pytest

SCREENSHOT_COPY = Path("/tmp/gallery.png")

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """``OUT/index.html`` after rendering the tiny clips with the real pipeline."""
    out_dir = tmp_path_factory.getbasetemp() / "tiny-clips"
    results = render_tiny_clips(out_dir)
    return out_dir / "index.html", results


def test_gallery_lists_every_clip_and_its_media_work_in_chromium(gallery, browser, tmp_path: Path) -> None:
    page, results = gallery
    browser.get(page.as_uri())
    sections = browser.execute_script("return [...document.querySelectorAll('section.clip')].map(s => s.id)")
    assert sorted(sections) == sorted(result.entry.id for result in results)

    assert wait_for(browser, "return [...document.images].every(i => i.complete)")
    images = browser.execute_script(
        "return [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight])"
    )
    assert len(images) == len(results)
    assert all(src.endswith(".gif") and width > 0 and height > 0 for src, width, height in images), images

    progress = video_progress(browser)
    assert len(progress) == len(results)
    for start, now, paused, error in progress:
        assert error is None and not paused
        assert now > start, (start, now)

    screenshot = tmp_path / "gallery.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000
    shutil.copyfile(screenshot, SCREENSHOT_COPY)


def test_gallery_captions_load_from_disk_off_by_default_and_on_with_c(gallery, browser) -> None:
    """Issue 23: Chromium refuses a ``<track>`` file from ``file://``; the cues come from the page itself."""
    from selenium.webdriver.common.action_chains import ActionChains

    page, _ = gallery
    browser.get(page.as_uri())
    tracks = browser.execute_script(
        "return [...document.querySelectorAll('video')].map(v => [...v.textTracks].map(t => [t.kind, t.mode, t.cues.length]))"
    )
    assert tracks and all(len(video) == 1 and video[0][:2] == ["captions", "hidden"] and video[0][2] > 0 for video in tracks)
    ActionChains(browser).send_keys("c").perform()
    assert browser.execute_script("return [...document.querySelectorAll('video')].every(v => v.textTracks[0].mode === 'showing')")
    ActionChains(browser).send_keys("c").perform()
    assert browser.execute_script("return [...document.querySelectorAll('video')].every(v => v.textTracks[0].mode === 'hidden')")
