"""Lecture decks from real tiny renders: ``--format slides`` in headless Chromium, ``pptx`` reopened, ``pdf`` drawn.

One real ``render.py slope-tangent rolling-descent --format slides`` renders the
two clips (two steps each: 5 + 4 beats); the pptx and pdf runs answer the clips
from the manifest and only build their decks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from gdanim.clip.request import ClipRequest
from gdanim.clip.subtitles import read_cues
from gdanim.lecture.deck import collect_decks, shows_only_background
from gdanim.lecture.export import export_lecture
from gdanim.store.files import TEMP_PREFIX
from gdanim.store.manifest import MANIFEST_NAME
from tests.chromium import browser, needs_chromium, wait_for
from tests.render_runs import REPO_ROOT, TINY, TINY_TAG, decoded_frames, run_render

__all__ = ["browser"]  # the fixture, imported for pytest

SCENES = ("rolling-descent", "slope-tangent")
"""Asked for in this order, the reverse of the registry's: the deck must follow it."""

DECK = f"he-light-{TINY_TAG}"
SCREENSHOT_COPY = Path("/tmp/slides.png")


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """``--out`` after the slides, pptx and pdf runs, and what each printed."""
    out_dir = tmp_path_factory.mktemp("lecture") / "out"
    printed = {}
    for lecture_format in ("slides", "pptx", "pdf"):
        completed = run_render(*SCENES, "-q", "l", "--steps", "2", "-f", lecture_format, "--out", str(out_dir), "--quiet")
        assert completed.returncode == 0, completed.stderr
        assert completed.stderr == ""
        printed[lecture_format] = completed.stdout.splitlines()
    return out_dir, printed


def _beats(out_dir: Path) -> list[tuple[str, dict]]:
    """``(scene, beat)`` of every slide, in deck order, from the manifest."""
    clips = {clip["scene"]: clip for clip in json.loads((out_dir / MANIFEST_NAME).read_text())["clips"]}
    return [(scene, beat) for scene in SCENES for beat in clips[scene]["beats"]]


def test_each_format_prints_the_clips_then_its_deck(lecture) -> None:
    out_dir, printed = lecture
    clips = sorted(str(out_dir / scene / f"he-light-{TINY_TAG}-steps2.{ext}") for scene in SCENES for ext in ("mp4", "vtt"))
    assert sorted(printed["slides"][:-1]) == clips
    assert printed["slides"][-1] == str(out_dir / "slides" / DECK / "index.html")
    assert printed["pptx"][-1] == str(out_dir / "slides" / f"{DECK}.pptx")
    assert printed["pdf"][-1] == str(out_dir / "slides" / f"{DECK}.pdf")
    assert [path.name for path in (out_dir / "slides").iterdir() if path.name.startswith(TEMP_PREFIX)] == []


def test_the_deck_has_one_video_per_beat_cut_from_the_clip_without_changing_a_frame(lecture) -> None:
    out_dir, _ = lecture
    deck = out_dir / "slides" / DECK
    assert {"index.html", "player.js", "player.css", "media"} == {path.name for path in deck.iterdir()}
    for name in ("index.html", "player.js", "player.css"):  # offline from file://: no address outside the folder
        assert re.findall(r"https?:|[\"'(]//|@import", (deck / name).read_text(encoding="utf-8")) == [], name
    assert len(_beats(out_dir)) == 9
    for scene in SCENES:
        clip = out_dir / scene / f"he-light-{TINY_TAG}-steps2.mp4"
        beats = sorted((deck / "media" / scene / f"he-light-{TINY_TAG}-steps2").glob("*.mp4"))
        assert len(beats) == {"slope-tangent": 5, "rolling-descent": 4}[scene]
        cut = [frame for beat in beats for frame in decoded_frames(beat)]
        whole = decoded_frames(clip)
        assert len(cut) == len(whole)
        assert all(np.array_equal(a, b) for a, b in zip(cut, whole))


VISIBLE = "[...document.querySelectorAll('.slide')].find(s => !s.hidden)"
STATE = (
    f"const slide = {VISIBLE}, video = slide.querySelector('video'); "
    "return {number: document.getElementById('slide-number').textContent, title: slide.dataset.title, "
    "time: video.currentTime, duration: video.duration, paused: video.paused, ended: video.ended, "
    "hash: location.hash, notes_shown: [...document.querySelectorAll('.slide-notes, #speaker')]"
    ".some(e => e.offsetParent !== null)};"
)
SPEAKER_STATE = (
    "const text = id => document.getElementById(id).textContent; "
    f"const video = {VISIBLE}.querySelector('video'); "
    "return {number: text('speaker-number'), title: text('speaker-title'), notes: text('speaker-notes'), "
    "notes_dir: getComputedStyle(document.getElementById('speaker-notes')).direction, "
    "next_title: text('next-title'), next_poster: document.getElementById('next-poster').getAttribute('src'), "
    "clock: text('speaker-clock'), status: text('speaker-status'), paused: video.paused, time: video.currentTime, "
    "poster_loaded: document.getElementById('next-poster').naturalWidth > 0};"
)
SCREENSHOTS = Path("/tmp")


def _press(browser, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(key).perform()


def _open_deck(browser, out_dir: Path, hash_: str = "") -> str:
    """Open the deck from disk (``file://``) in the first window, closing any other; return the page's address."""
    for handle in browser.window_handles[1:]:
        browser.switch_to.window(handle)
        browser.close()
    browser.switch_to.window(browser.window_handles[0])
    browser.set_window_size(1280, 720)
    address = (out_dir / "slides" / DECK / "index.html").as_uri()
    browser.get("about:blank")
    browser.get(address + hash_)
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').readyState >= 1")
    return address


def _number(browser) -> str:
    return browser.execute_script(STATE)["number"]


@needs_chromium
def test_keys_step_through_the_beats_each_holding_its_last_frame(lecture, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    out_dir, _ = lecture
    _open_deck(browser, out_dir)
    state = browser.execute_script(STATE)
    assert (state["number"], state["title"], state["time"], state["paused"]) == ("1 / 9", "rolling-descent · setup (1/4)", 0, True)
    assert not state["notes_shown"]  # the audience sees the picture and the bar, never the notes

    _press(browser, Keys.ARROW_RIGHT)  # plays the first beat, to its end, and holds there
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').ended", timeout=15)
    held = browser.execute_script(STATE)
    assert held["number"] == "1 / 9" and held["time"] == pytest.approx(held["duration"]) and held["duration"] > 1
    time.sleep(0.5)
    assert browser.execute_script(STATE)["time"] == held["time"]

    _press(browser, Keys.SPACE)  # the next beat starts at once
    assert wait_for(browser, f"const v = {VISIBLE}.querySelector('video'); return !v.paused && v.currentTime > 0")
    assert _number(browser) == "2 / 9"
    _press(browser, Keys.PAGE_DOWN)
    assert _number(browser) == "3 / 9"

    _press(browser, Keys.ARROW_LEFT)  # back one beat, shown at its end
    assert wait_for(browser, f"const v = {VISIBLE}.querySelector('video'); return v.currentTime > 0 && v.currentTime === v.duration")
    assert _number(browser) == "2 / 9"
    browser.find_element("id", "stage").click()  # a click on a held picture plays the next beat
    assert _number(browser) == "3 / 9"

    _press(browser, Keys.END)
    state = browser.execute_script(STATE)
    assert (state["number"], state["title"]) == ("9 / 9", "slope-tangent · size (5/5)")
    screenshot = tmp_path / "slides.png"
    assert browser.save_screenshot(str(screenshot))
    shutil.copyfile(screenshot, SCREENSHOT_COPY)


def _stage_colours(browser) -> int:
    """How many colours the picture on the stage has, from a screenshot of it."""
    import io

    shot = Image.open(io.BytesIO(browser.find_element("id", "stage").screenshot_as_png)).convert("RGB")
    return len(np.unique(np.asarray(shot).reshape(-1, 3), axis=0))


@needs_chromium
def test_the_first_slide_shows_a_picture_not_a_blank_poster(lecture, browser) -> None:
    from selenium.webdriver.common.keys import Keys

    out_dir, _ = lecture
    _open_deck(browser, out_dir)
    poster = browser.execute_script(f"return {VISIBLE}.querySelector('video').getAttribute('poster')")
    picture = np.asarray(Image.open(out_dir / "slides" / DECK / poster).convert("RGB"))
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 1, "the first slide's poster is a single colour"
    time.sleep(0.5)
    assert _stage_colours(browser) > 1, "the deck opens on a blank slide"
    _press(browser, Keys.ARROW_RIGHT)  # play the first beat, then come back to it: its poster shows again
    _press(browser, Keys.ARROW_RIGHT)
    _press(browser, Keys.HOME)
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').readyState >= 2")
    time.sleep(0.5)
    assert _stage_colours(browser) > 1, "Home shows a blank slide"
    for key in ("g", "5", Keys.ENTER):  # the second scene's first beat
        _press(browser, key)
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').readyState >= 2")
    time.sleep(0.5)
    assert _stage_colours(browser) > 1, "slide 5 is blank"


@needs_chromium
def test_the_address_keeps_the_slide_and_a_reload_returns_to_it(lecture, browser) -> None:
    from selenium.webdriver.common.keys import Keys

    out_dir, _ = lecture
    _open_deck(browser, out_dir, "#5")
    assert browser.execute_script(STATE)["number"] == "5 / 9"  # #N opens slide N
    history = browser.execute_script("return history.length")
    _press(browser, Keys.ARROW_RIGHT)  # plays 5
    _press(browser, Keys.ARROW_RIGHT)  # plays 6
    assert (_number(browser), browser.execute_script("return location.hash")) == ("6 / 9", "#6")
    assert browser.execute_script("return history.length") == history  # slides add no history entries
    browser.refresh()
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').readyState >= 1")
    state = browser.execute_script(STATE)
    assert (state["number"], state["paused"], state["time"]) == ("6 / 9", True, 0)  # back where it was, ready to play
    browser.execute_script("location.hash = '#2'")  # typed into the address bar
    assert wait_for(browser, "return document.getElementById('slide-number').textContent === '2 / 9'")


def _key_event(browser, key: str, code: int, auto_repeat: bool, kind: str = "keyDown") -> None:
    """A real key event through the DevTools protocol, which can mark it as auto-repeated (Selenium cannot)."""
    browser.execute_cdp_cmd("Input.dispatchKeyEvent", {
        "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code,
        "autoRepeat": auto_repeat,
    })


@needs_chromium
def test_a_held_key_is_one_press_its_auto_repeats_are_ignored(lecture, browser) -> None:
    out_dir, _ = lecture
    _open_deck(browser, out_dir)
    _key_event(browser, "ArrowRight", 39, False)
    for _ in range(30):
        _key_event(browser, "ArrowRight", 39, True)
    _key_event(browser, "ArrowRight", 39, False, "keyUp")
    assert wait_for(browser, f"return !{VISIBLE}.querySelector('video').paused")
    assert _number(browser) == "1 / 9"  # the press played the first beat; the 30 repeats did nothing
    _key_event(browser, "ArrowRight", 39, False)
    _key_event(browser, "ArrowRight", 39, False, "keyUp")
    assert _number(browser) == "2 / 9"


@needs_chromium
def test_g_jumps_b_blacks_k_pauses_r_replays_and_the_keys_show_on_question_mark(lecture, browser) -> None:
    from selenium.webdriver.common.keys import Keys

    out_dir, _ = lecture
    _open_deck(browser, out_dir)
    for key in ("g", "7", Keys.ENTER):
        _press(browser, key)
    state = browser.execute_script(STATE)
    assert (state["number"], state["hash"], state["paused"], state["time"]) == ("7 / 9", "#7", True, 0)
    for key in ("g", "4", "2", Keys.ENTER):  # no slide 42: nothing happens
        _press(browser, key)
    assert _number(browser) == "7 / 9"

    covered = "const e = document.elementFromPoint(innerWidth / 2, innerHeight / 2); return e && e.id;"
    for black in ("b", "."):
        _press(browser, black)
        assert browser.execute_script(covered) == "blackout"
        assert browser.execute_script("return getComputedStyle(document.getElementById('blackout')).backgroundColor") == "rgb(0, 0, 0)"
        _press(browser, black)
        assert browser.execute_script(covered) != "blackout"

    _press(browser, Keys.HOME)
    _press(browser, Keys.ARROW_RIGHT)  # the 3.6 s set-up beat runs
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').currentTime > 0.3")
    _press(browser, "k")
    paused = browser.execute_script(STATE)
    assert paused["paused"] and paused["time"] < paused["duration"]
    time.sleep(0.4)
    assert browser.execute_script(STATE)["time"] == paused["time"]
    _press(browser, "k")
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').currentTime > {paused['time']}")
    browser.find_element("id", "stage").click()  # a click on the running beat pauses it, too
    state = browser.execute_script(STATE)
    assert state["paused"] and state["number"] == "1 / 9"
    _press(browser, "r")  # replays from its start
    assert wait_for(browser, f"const v = {VISIBLE}.querySelector('video'); return !v.paused && v.currentTime < {state['time']}")
    assert _number(browser) == "1 / 9"

    help_shown = "return getComputedStyle(document.getElementById('help')).display !== 'none'"
    assert not browser.execute_script(help_shown)
    _press(browser, "?")
    assert browser.execute_script(help_shown)
    assert browser.execute_script("return document.querySelectorAll('#help tr').length") == 12
    browser.save_screenshot(str(SCREENSHOTS / "slides-keys.png"))
    _press(browser, Keys.ESCAPE)
    assert not browser.execute_script(help_shown)


@needs_chromium
def test_the_cursor_hides_when_still_and_the_bar_in_fullscreen(lecture, browser) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    out_dir, _ = lecture
    _open_deck(browser, out_dir)
    ActionChains(browser).move_to_element(browser.find_element("id", "stage")).move_by_offset(5, 5).perform()
    cursor = "return getComputedStyle(document.getElementById('stage')).cursor"
    assert browser.execute_script(cursor) == "pointer"
    assert wait_for(browser, f"{cursor} === 'none'", timeout=5)
    ActionChains(browser).move_by_offset(5, 5).perform()
    assert browser.execute_script(cursor) == "pointer"

    bar_shown = "return getComputedStyle(document.getElementById('bar')).display !== 'none'"
    assert browser.execute_script(bar_shown)
    _press(browser, "f")
    assert wait_for(browser, "return document.fullscreenElement !== null")
    assert wait_for(browser, f"return !(() => {{ {bar_shown} }})()")
    _press(browser, "f")
    assert wait_for(browser, "return document.fullscreenElement === null")
    assert browser.execute_script(bar_shown)


@needs_chromium
def test_captions_are_loaded_from_the_page_off_by_default_and_on_with_c(lecture, browser) -> None:
    out_dir, _ = lecture
    page = (out_dir / "slides" / DECK / "index.html").read_text(encoding="utf-8")
    assert "<track" not in page  # Chromium refuses a track file from file://
    _open_deck(browser, out_dir)
    tracks = browser.execute_script(
        "return [...document.querySelectorAll('video')].map(v => [...v.textTracks].map(t => "
        "[t.kind, t.language, t.mode, [...t.cues].map(c => [c.startTime, c.endTime, c.text])]))"
    )
    assert len(tracks) == 9 and all(len(video) == 1 for video in tracks)
    assert all(track[0][:3] == ["captions", "he", "hidden"] for track in tracks)
    vtt = out_dir / "rolling-descent" / f"he-light-{TINY_TAG}-steps2.vtt"
    first_beat_end = _beats(out_dir)[0][1]["end"]
    expected = [[start, min(end, first_beat_end), text] for start, end, text in read_cues(vtt) if start < first_beat_end]
    assert tracks[0][0][3] == [[pytest.approx(start), pytest.approx(end), text] for start, end, text in expected]
    assert all(len(track[0][3]) > 0 for track in tracks)
    _press(browser, "c")
    assert browser.execute_script("return [...document.querySelectorAll('video')].every(v => v.textTracks[0].mode === 'showing')")
    _press(browser, "c")
    assert browser.execute_script("return [...document.querySelectorAll('video')].every(v => v.textTracks[0].mode === 'hidden')")


def _other_window(browser, first: str) -> str:
    assert _wait_windows(browser, 2)
    return next(handle for handle in browser.window_handles if handle != first)


def _wait_windows(browser, count: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while len(browser.window_handles) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(browser.window_handles) >= count


@needs_chromium
def test_the_speaker_view_opens_on_s_and_both_windows_stay_in_step(lecture, browser) -> None:
    from selenium.webdriver.common.keys import Keys

    out_dir, _ = lecture
    beats = _beats(out_dir)
    address = _open_deck(browser, out_dir, "#2")
    audience = browser.current_window_handle
    _press(browser, "s")
    speaker = _other_window(browser, audience)
    browser.switch_to.window(speaker)
    browser.set_window_size(1280, 800)
    assert browser.current_url == address + "?speaker#2"

    def speaker_state() -> dict:
        browser.switch_to.window(speaker)
        return browser.execute_script(SPEAKER_STATE)

    def in_step(number: int) -> None:
        """Both windows show slide ``number``; the speaker view its notes and the next beat's poster."""
        browser.switch_to.window(speaker)
        assert wait_for(browser, f"return document.getElementById('speaker-number').textContent === '{number} / 9'")
        state = speaker_state()
        scene, beat = beats[number - 1]
        assert state["title"].startswith(f"{scene} · {beat['name']} (")
        assert state["notes"] == beat["notes"] and state["notes_dir"] == "rtl"
        if number < 9:
            next_scene, next_beat = beats[number]
            assert state["next_title"].startswith(f"{next_scene} · {next_beat['name']} (")
            assert state["next_poster"] == browser.execute_script(
                f"return document.querySelectorAll('.slide video')[{number}].getAttribute('poster')")
            assert state["next_poster"].endswith(f"-{next_beat['name']}.png")
            assert wait_for(browser, "return document.getElementById('next-poster').naturalWidth > 0")
        browser.switch_to.window(audience)
        assert _number(browser) == f"{number} / 9"

    in_step(2)
    assert re.fullmatch(r"0:00:0\d", speaker_state()["clock"])
    browser.switch_to.window(speaker)
    _press(browser, Keys.ARROW_RIGHT)  # a key in the speaker view plays the beat in the audience window
    _press(browser, Keys.ARROW_RIGHT)
    in_step(3)
    assert not browser.execute_script(STATE)["paused"] or browser.execute_script(STATE)["ended"]
    _press(browser, Keys.ARROW_RIGHT)  # a key in the audience window moves the speaker view
    in_step(4)
    assert wait_for(browser, "return !document.querySelector('.slide:not([hidden]) video').paused || "
                             "document.querySelector('.slide:not([hidden]) video').ended")
    browser.switch_to.window(audience)
    _press(browser, Keys.ARROW_RIGHT)
    in_step(5)  # the next scene's first beat
    browser.switch_to.window(speaker)
    for key in ("g", "8", Keys.ENTER):
        _press(browser, key)
    in_step(8)
    browser.switch_to.window(speaker)
    _press(browser, "b")  # blacks the audience's screen, and the speaker view says so
    browser.switch_to.window(audience)
    assert wait_for(browser, "return getComputedStyle(document.getElementById('blackout')).display !== 'none'")
    assert speaker_state()["status"] != ""
    browser.save_screenshot(str(SCREENSHOTS / "slides-speaker-black.png"))
    _press(browser, "b")
    browser.switch_to.window(audience)
    assert wait_for(browser, "return getComputedStyle(document.getElementById('blackout')).display === 'none'")

    browser.refresh()  # a reload of the audience window: back on its slide, and the speaker view finds it again
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').readyState >= 1")
    _press(browser, Keys.ARROW_RIGHT)
    _press(browser, Keys.ARROW_RIGHT)
    in_step(9)
    assert speaker_state()["next_title"] and speaker_state()["next_poster"] is None
    time.sleep(1.1)
    assert re.fullmatch(r"0:00:\d\d", speaker_state()["clock"]) and speaker_state()["clock"] != "0:00:00"
    browser.switch_to.window(speaker)
    browser.save_screenshot(str(SCREENSHOTS / "slides-speaker.png"))
    browser.switch_to.window(audience)
    browser.save_screenshot(str(SCREENSHOTS / "slides-audience.png"))
    browser.switch_to.window(speaker)
    browser.close()
    browser.switch_to.window(audience)


P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _starts_on_entry(page, movie_id: int) -> bool:
    """Whether the slide's timing plays the movie as soon as the slide begins, as PowerPoint writes "Start: Automatically".

    The main sequence's first step must start on the sequence's own begin (``onBegin`` of
    the ``mainSeq`` time node), with no click in between, and call ``playFrom`` on the movie.
    """
    timing = page._element.find(f"{P}timing")
    main = next(node for node in timing.iter(f"{P}cTn") if node.get("nodeType") == "mainSeq")
    first_step = main.find(f"{P}childTnLst/{P}par/{P}cTn")
    begin = [cond for cond in first_step.find(f"{P}stCondLst") if cond.get("evt") == "onBegin"]
    if len(begin) != 1 or begin[0].get("delay") != "0" or begin[0].find(f"{P}tn").get("val") != main.get("id"):
        return False
    commands = list(first_step.iter(f"{P}cmd"))
    return (len(commands) == 1 and commands[0].get("cmd") == "playFrom(0.0)"
            and all(delays.get("delay") == "0" for node in first_step.find(f"{P}childTnLst").iter(f"{P}cTn")
                    for delays in node.findall(f"{P}stCondLst/{P}cond"))
            and commands[0].find(f".//{P}spTgt").get("spid") == str(movie_id))


def test_pptx_has_one_slide_per_beat_with_its_movie_playing_on_entry_a_title_alt_text_and_notes(lecture) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out_dir, _ = lecture
    beats = _beats(out_dir)
    pptx_file = out_dir / "slides" / f"{DECK}.pptx"
    presentation = Presentation(str(pptx_file))
    size = presentation.part._element.find(f"{P}sldSz")
    assert (size.get("type"), presentation.slide_width * 9) == ("screen16x9", presentation.slide_height * 16)
    assert len(presentation.slides) == len(beats)
    for page, (scene, beat) in zip(presentation.slides, beats):
        movies = [shape for shape in page.shapes if shape.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        (movie,) = movies
        assert _starts_on_entry(page, movie.shape_id), page._element.find(f"{P}timing")
        assert movie._element.xpath("./p:nvPicPr/p:cNvPr")[0].get("descr") == beat["notes"]
        assert page.shapes.title.text_frame.text.startswith(f"{scene} · {beat['name']} (")
        assert page.shapes.title.top + page.shapes.title.height <= 0  # above the slide, off the picture
        assert (movie.left, movie.top, movie.width, movie.height) == (0, 0, presentation.slide_width, presentation.slide_height)
        assert page.notes_slide.notes_text_frame.text == beat["notes"]
    with zipfile.ZipFile(pptx_file) as package:
        videos = sorted(name for name in package.namelist() if name.startswith("ppt/media/") and name.endswith(".mp4"))
        assert len(videos) == len(beats)
        for name in videos:
            with package.open(name) as stream, av.open(stream) as container:
                assert sum(1 for _ in container.decode(video=0)) > 0
        posters = sorted(name for name in package.namelist() if name.startswith("ppt/media/") and name.endswith(".png"))
        assert len(posters) == len(beats)
        for name in posters:  # no blank thumbnail: every poster shows more than the background
            with package.open(name) as stream:
                assert not shows_only_background(np.asarray(Image.open(stream).convert("RGB"))), name


def test_two_identical_pptx_exports_give_identical_bytes(lecture, tmp_path: Path) -> None:
    out_dir, _ = lecture
    requests = [ClipRequest.create(scene, quality="low", steps=2, test_size=TINY) for scene in SCENES]
    copies = []
    for run in ("first", "second"):
        copy = tmp_path / run
        shutil.copytree(out_dir, copy, ignore=shutil.ignore_patterns("slides"))
        (pptx_file,) = export_lecture(requests, copy, "pptx")
        copies.append(pptx_file.read_bytes())
        time.sleep(2.1)  # a zip entry's date counts in 2 s steps: the second export is dated later
    assert copies[0] == copies[1]


def test_the_first_beat_of_every_scene_has_a_poster_that_shows_something(lecture) -> None:
    out_dir, _ = lecture
    deck = out_dir / "slides" / DECK
    for scene in SCENES:
        first = deck / "media" / scene / f"he-light-{TINY_TAG}-steps2" / "01-setup.png"
        first = first if first.exists() else next((first.parent).glob("01-*.png"))
        assert not shows_only_background(np.asarray(Image.open(first).convert("RGB"))), first


def test_pdf_handout_has_a_page_per_beat_with_its_last_frame_and_notes(lecture, tmp_path: Path) -> None:
    out_dir, _ = lecture
    pdf = out_dir / "slides" / f"{DECK}.pdf"
    if shutil.which("pdftoppm") is None:
        pytest.skip("needs pdftoppm (Debian package poppler-utils; scripts/setup.sh installs it)")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(_beats(out_dir))
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"))
        height = pixels.shape[0]
        assert (pixels[height // 8 : height // 2] < 200).any(), "the frame is missing"
        assert (pixels[int(height * 0.74) :] < 160).any(), "the notes are missing"
    # Real text, not pictures of it; pdftotext adds direction marks around the Latin runs of a Hebrew page.
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    assert text.index("rolling-descent · setup") < text.index("slope-tangent · curve")
    assert "הנקודה הנמוכה ביותר" in text


def test_a_failed_export_keeps_the_previous_deck_and_leaves_nothing(lecture, tmp_path: Path, monkeypatch) -> None:
    out_dir, _ = lecture
    copy = tmp_path / "out"
    shutil.copytree(out_dir, copy)
    requests = [ClipRequest.create(scene, quality="low", steps=2, test_size=TINY) for scene in SCENES]
    before = sorted(path.relative_to(copy) for path in (copy / "slides").rglob("*"))

    def broken(*args, **kwargs):
        raise RuntimeError("the player could not be written")

    monkeypatch.setattr("gdanim.lecture.slides.write_slides", broken)
    monkeypatch.setattr("gdanim.lecture.powerpoint.write_pptx", broken)
    for lecture_format in ("slides", "pptx"):
        with pytest.raises(RuntimeError):
            export_lecture(requests, copy, lecture_format)
    assert sorted(path.relative_to(copy) for path in (copy / "slides").rglob("*")) == before
    assert len(collect_decks(requests, copy)[0].slides) == 9


def _assert_whole_deck(deck: Path, beats: int) -> None:
    """``deck`` is a complete HTML deck: its page, its player and every video and poster the page names."""
    page = (deck / "index.html").read_text(encoding="utf-8")
    media = re.findall(r'(?:src|poster)="(media/[^"]+)"', page)
    assert len(media) == 2 * beats
    assert all((deck / name).stat().st_size > 0 for name in [*media, "player.js", "player.css"])


@pytest.mark.parametrize("moment", ["before", "after"])
def test_an_export_killed_at_any_step_of_the_swap_leaves_a_whole_deck_at_its_path(
    lecture, tmp_path: Path, moment: str
) -> None:
    """Issue 26: the deck is replaced in one atomic step; killed before or after any rename, the path holds a deck."""
    out_dir, _ = lecture
    copy = tmp_path / "out"
    shutil.copytree(out_dir, copy)
    beats = len(_beats(out_dir))
    for step in range(1, 6):
        completed = subprocess.run(
            [sys.executable, "-m", "tests.deck_swap_kill", str(copy), moment, str(step)],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
        )
        _assert_whole_deck(copy / "slides" / DECK, beats)
        if completed.returncode == 0:
            break
        assert completed.returncode == -signal.SIGKILL, completed.stderr
    assert step > 1, "the export was never killed"
    requests = [ClipRequest.create(scene, quality="low", steps=2, test_size=TINY) for scene in SCENES]
    export_lecture(requests, copy, "slides")  # the next export sweeps what the killed ones left
    assert [path.name for path in (copy / "slides").iterdir() if path.name.startswith(TEMP_PREFIX)] == []
    _assert_whole_deck(copy / "slides" / DECK, beats)


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_deck_folders_get_the_umasks_mode(lecture, tmp_path: Path, umask: int) -> None:
    """Issue 26: a deck folder is made like any folder (``mkdir``), not 0700 as a private temporary one."""
    out_dir, _ = lecture
    copy = tmp_path / "out"
    shutil.copytree(out_dir, copy, ignore=shutil.ignore_patterns("slides"))
    requests = [ClipRequest.create(scene, quality="low", steps=2, test_size=TINY) for scene in SCENES]
    previous = os.umask(umask)
    try:
        export_lecture(requests, copy, "slides")
    finally:
        os.umask(previous)
    deck = copy / "slides" / DECK
    folders = [deck, *(path for path in deck.rglob("*") if path.is_dir())]
    assert {stat.S_IMODE(folder.stat().st_mode) for folder in folders} == {0o777 & ~umask}
    assert {stat.S_IMODE(path.stat().st_mode) for path in deck.rglob("*") if path.is_file()} == {0o666 & ~umask}


def test_slides_with_watch_is_a_one_line_usage_error() -> None:
    completed = run_render("rolling-descent", "--watch", "-f", "slides")
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert line == "Error: --watch previews one clip; --format slides builds a deck: drop one"


def test_the_manifest_schema_takes_subtitles_and_beats_and_refuses_a_broken_beat(lecture) -> None:
    from gdanim.store.manifest import clip_problem

    out_dir, _ = lecture
    clips = json.loads((out_dir / MANIFEST_NAME).read_text())["clips"]
    assert [clip_problem(clip) for clip in clips] == [None, None]
    broken = {**clips[0], "beats": [{**clips[0]["beats"][0], "start": "soon"}]}
    assert clip_problem(broken) == 'beat 1 "start" is "soon", not a number'
