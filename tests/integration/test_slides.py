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

from gdanim.store.files import TEMP_PREFIX
from gdanim.lecture.deck import collect_decks, shows_only_background
from gdanim.lecture.export import export_lecture
from gdanim.store.manifest import MANIFEST_NAME
from gdanim.clip.request import ClipRequest
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
    "notes: document.getElementById('notes').hidden ? null : document.getElementById('notes-text').textContent};"
)


def _press(browser, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(key).perform()


@needs_chromium
def test_keys_step_through_the_beats_each_holding_its_last_frame(lecture, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    out_dir, _ = lecture
    beats = _beats(out_dir)
    browser.get((out_dir / "slides" / DECK / "index.html").as_uri())
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').readyState >= 1")
    state = browser.execute_script(STATE)
    assert (state["number"], state["title"], state["time"], state["paused"]) == ("1 / 9", "rolling-descent · setup (1/4)", 0, True)

    _press(browser, Keys.ARROW_RIGHT)  # plays the first beat, to its end, and holds there
    assert wait_for(browser, f"return {VISIBLE}.querySelector('video').ended", timeout=15)
    held = browser.execute_script(STATE)
    assert held["number"] == "1 / 9" and held["time"] == pytest.approx(held["duration"]) and held["duration"] > 1
    time.sleep(0.5)
    assert browser.execute_script(STATE)["time"] == held["time"]

    _press(browser, Keys.SPACE)  # the next beat starts at once
    assert wait_for(browser, f"const v = {VISIBLE}.querySelector('video'); return !v.paused && v.currentTime > 0")
    assert browser.execute_script(STATE)["number"] == "2 / 9"
    _press(browser, Keys.PAGE_DOWN)
    assert browser.execute_script(STATE)["number"] == "3 / 9"

    _press(browser, Keys.ARROW_LEFT)  # back one beat, shown at its end
    assert wait_for(browser, f"const v = {VISIBLE}.querySelector('video'); return v.currentTime > 0 && v.currentTime === v.duration")
    assert browser.execute_script(STATE)["number"] == "2 / 9"

    _press(browser, "s")  # the speaker notes of this beat
    state = browser.execute_script(STATE)
    assert state["notes"] == beats[1][1]["notes"]
    browser.find_element("id", "stage").click()  # a click plays the next beat
    state = browser.execute_script(STATE)
    assert state["number"] == "3 / 9" and state["notes"] == beats[2][1]["notes"]

    _press(browser, Keys.END)
    state = browser.execute_script(STATE)
    assert (state["number"], state["title"]) == ("9 / 9", "slope-tangent · size (5/5)")
    assert state["notes"] == beats[8][1]["notes"]
    screenshot = tmp_path / "slides.png"
    assert browser.save_screenshot(str(screenshot))
    shutil.copyfile(screenshot, SCREENSHOT_COPY)


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
