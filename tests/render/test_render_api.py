"""The plain API without rendering: requests, file names, quality presets, the manifest (path safety: test_robustness.py)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gdanim.store.cache import CACHE_DIR_ENV, hash_inputs, media_slot, prune_slot, read_render_seconds, record_render_seconds
from gdanim.store.files import atomic_path, remove_stale_temporaries, temp_prefix
from gdanim.clip.gif import palette_additions
from gdanim.store.manifest import MANIFEST_NAME, ClipEntry, ManifestError, load_manifest, update_manifest
from gdanim.api import ClipRequest, check_clip
from gdanim.options import MAX_RENDER_STEPS, QUALITIES, QUALITY_ALIASES, get_preset, resolve_quality
from gdanim.run.plan import check_out_dir
from tests.render_runs import manifest_json
from scenes.registry import SCENES

PRESETS = [
    ("low", 854, 480, 15, "480p15"),
    ("medium", 1280, 720, 30, "720p30"),
    ("high", 1920, 1080, 60, "1080p60"),
    ("production", 2560, 1440, 60, "1440p60"),
    ("4k", 3840, 2160, 60, "2160p60"),
]


@pytest.mark.unit
@pytest.mark.parametrize(("name", "width", "height", "fps", "tag"), PRESETS)
def test_quality_presets_are_manims(name: str, width: int, height: int, fps: int, tag: str) -> None:
    preset = get_preset(name)
    assert (preset.pixel_width, preset.pixel_height, preset.frame_rate, preset.tag) == (width, height, fps, tag)
    assert resolve_quality(name[0] if name != "4k" else "k") == name


@pytest.mark.unit
def test_every_alias_names_a_preset() -> None:
    assert set(QUALITY_ALIASES.values()) == set(QUALITIES)


@pytest.mark.unit
def test_the_test_size_changes_size_and_name() -> None:
    assert get_preset("high", "160x90@5").tag == "160x90p5"
    assert ClipRequest.create("rolling-descent", "high", test_size="160x90@5").stem == "he-light-160x90p5"
    with pytest.raises(ValueError, match="even"):
        get_preset("low", "161x90")
    with pytest.raises(ValueError, match="160x90@5"):
        ClipRequest.create("rolling-descent", "low", test_size="tiny")


@pytest.mark.unit
def test_the_environment_no_longer_sets_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDANIM_TEST_RESOLUTION", "160x90@5")
    assert ClipRequest.create("rolling-descent", "low").stem == "he-light-480p15"


@pytest.mark.unit
def test_default_knobs_come_from_the_registry() -> None:
    for name, spec in SCENES.items():
        request = ClipRequest.create(name, quality="low")
        assert (request.start, request.learning_rate, request.steps) == (spec.start, spec.learning_rate, spec.steps)
        assert request.stem == "he-light-480p15"


@pytest.mark.unit
def test_names_say_the_knobs_that_differ() -> None:
    request = ClipRequest.create("rolling-descent", "l", "en", "dark", start=-1, learning_rate=0.9, steps=20)
    assert request.output_path(Path("out"), "mp4") == Path("out/rolling-descent/en-dark-480p15-lr0.9-steps20.mp4")
    assert ClipRequest.create("rolling-descent", "k", start=2.5).stem == "he-light-2160p60-start2.5"


BAD_REQUESTS = [
    {"scene": "../etc"},
    {"scene": "rolling-descent/../../x"},
    {"quality": "8k"},
    {"language": "../he"},
    {"theme": "light/../../x"},
    {"learning_rate": math.nan},
    {"learning_rate": 0.0},
    {"start": math.inf},
    {"steps": 0},
    {"steps": MAX_RENDER_STEPS + 1},
    {"steps": 2.5},
]


@pytest.mark.unit
@pytest.mark.parametrize("change", BAD_REQUESTS, ids=[str(c) for c in BAD_REQUESTS])
def test_invalid_requests_cannot_be_built(change: dict[str, object]) -> None:
    fields = {"scene": "rolling-descent", "quality": "low", "language": "he", "theme": "light",
              "start": -1.0, "learning_rate": 0.1, "steps": 10, **change}
    with pytest.raises(ValueError):
        ClipRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.unit
def test_distinct_knobs_get_distinct_names() -> None:
    stems = {ClipRequest.create("rolling-descent", "low", learning_rate=lr).stem for lr in (0.1, 0.1000001, 0.01, 1.0)}
    assert len(stems) == 4


@pytest.mark.unit
def test_minus_zero_and_zero_are_one_clip() -> None:
    zero, minus_zero = (ClipRequest.create("slope-tangent", "low", start=start) for start in (0.0, -0.0))
    assert (minus_zero.stem, hash_inputs(minus_zero)) == (zero.stem, hash_inputs(zero))


@pytest.mark.unit
def test_input_hash_changes_with_every_knob() -> None:
    base = ClipRequest.create("rolling-descent", "low")
    variants = [
        ClipRequest.create("rolling-descent", "medium"),
        ClipRequest.create("rolling-descent", "low", language="en"),
        ClipRequest.create("rolling-descent", "low", theme="dark"),
        ClipRequest.create("rolling-descent", "low", start=0.0),
        ClipRequest.create("rolling-descent", "low", learning_rate=0.2),
        ClipRequest.create("rolling-descent", "low", steps=11),
        ClipRequest.create("slope-tangent", "low"),
    ]
    hashes = {hash_inputs(request) for request in [base, *variants]}
    assert len(hashes) == len(variants) + 1
    assert hash_inputs(base) == hash_inputs(ClipRequest.create("rolling-descent", "l"))
    assert hash_inputs(ClipRequest.create("rolling-descent", "low", test_size="160x90@5")) not in hashes


@pytest.mark.unit
def test_a_clip_missing_from_the_manifest_is_not_up_to_date(tmp_path: Path) -> None:
    assert check_clip(ClipRequest.create("rolling-descent", "low"), tmp_path, ["mp4"]) is None


def _entry(clip_id: str, input_hash: str, formats: tuple[str, ...]) -> ClipEntry:
    """A manifest entry shaped like the ones render_clip writes."""
    scene, _stem = clip_id.split("/")
    return ClipEntry.from_json({
        "id": clip_id, "scene": scene, "language": "he", "theme": "light", "quality": "low",
        "width": 854, "height": 480, "fps": 15,
        "parameters": {"start": -1.0, "learning_rate": 0.1, "steps": 10},
        "files": {ext: {"path": f"{clip_id}.{ext}", "bytes": 1, "sha256": "0" * 64, "width": 854, "height": 480}
                  for ext in formats},
        "duration": 1.0, "hash": input_hash,
    })


@pytest.mark.unit
def test_concurrent_manifest_updates_all_land(tmp_path: Path) -> None:
    def entry(index: int) -> ClipEntry:
        return _entry(f"rolling-descent/clip-{index:02d}", "h", ("mp4",))

    threads = [threading.Thread(target=update_manifest, args=(tmp_path, [entry(i)])) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [clip["id"] for clip in manifest_json(tmp_path)["clips"]] == [f"rolling-descent/clip-{i:02d}" for i in range(20)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".gdanim")] == []
    assert (tmp_path / MANIFEST_NAME).exists()


@pytest.mark.unit
def test_manifest_merges_files_of_the_same_inputs_and_drops_stale_ones(tmp_path: Path) -> None:
    update_manifest(tmp_path, [_entry("rolling-descent/a", "1", ("mp4",))])
    update_manifest(tmp_path, [_entry("rolling-descent/a", "1", ("gif",))])
    assert set(manifest_json(tmp_path)["clips"][0]["files"]) == {"mp4", "gif"}
    update_manifest(tmp_path, [_entry("rolling-descent/a", "2", ("png",))])
    assert set(manifest_json(tmp_path)["clips"][0]["files"]) == {"png"}


@pytest.mark.unit
def test_an_unreadable_manifest_is_one_clear_error_for_every_reader(tmp_path: Path) -> None:
    request = ClipRequest.create("rolling-descent", "low")
    for text in ("{not json", json.dumps({"version": 99, "clips": [{"id": "x"}]}), json.dumps({"clips": []})):
        (tmp_path / MANIFEST_NAME).write_text(text)
        for read in (lambda: load_manifest(tmp_path), lambda: check_clip(request, tmp_path),
                     lambda: update_manifest(tmp_path, [_entry("rolling-descent/a", "1", ("mp4",))])):
            with pytest.raises(ManifestError, match=f"{MANIFEST_NAME} is not a gdanim manifest: "):
                read()
        assert (tmp_path / MANIFEST_NAME).read_text() == text


BAD_ENTRIES = [
    ({"id": "x"}, 'x: has no "scene"'),
    ({"id": 5}, 'clip 1: "id" is 5, not text'),
    ({"files": []}, '"files" is [], not an object'),
    ({"files": None}, '"files" is null, not an object'),
    ({"files": {"mp4": "x"}}, '"files"."mp4" is "x", not an object'),
    ({"duration": "abc"}, '"duration" is "abc", not a number'),
    ({"width": True}, '"width" is true, not a whole number'),
]


@pytest.mark.unit
@pytest.mark.parametrize(("change", "reason"), BAD_ENTRIES, ids=[reason for _, reason in BAD_ENTRIES])
def test_an_entry_that_does_not_validate_counts_as_absent_and_is_dropped_on_the_next_write(
    tmp_path: Path, change: dict, reason: str
) -> None:
    good = _entry("rolling-descent/good", "1", ("mp4",)).to_json()
    bad = {**_entry("rolling-descent/bad", "1", ("mp4",)).to_json(), **change}
    if change == {"id": "x"}:
        bad = change
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"version": 1, "clips": [bad, good]}))
    manifest = load_manifest(tmp_path)
    assert [clip.id for clip in manifest.clips] == ["rolling-descent/good"]
    (note,) = manifest.skipped
    assert reason in note and "\n" not in note
    update_manifest(tmp_path, [_entry("rolling-descent/other", "2", ("gif",))])
    assert [clip["id"] for clip in manifest_json(tmp_path)["clips"]] == ["rolling-descent/good", "rolling-descent/other"]


@pytest.mark.unit
def test_the_manifest_round_trips_through_its_dataclasses(tmp_path: Path) -> None:
    update_manifest(tmp_path, [_entry("rolling-descent/a", "1", ("mp4", "gif"))])
    written = manifest_json(tmp_path)
    assert written["version"] == 1
    assert load_manifest(tmp_path).to_json() == written
    assert list(written["clips"][0]) == ["id", "scene", "language", "theme", "quality", "width", "height", "fps",
                                         "parameters", "files", "duration", "hash"]


@pytest.mark.unit
def test_atomic_path_leaves_the_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    target.write_bytes(b"good")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("encoder died")
    assert target.read_bytes() == b"good"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.unit
def test_palette_keeps_every_theme_colour_and_its_tints() -> None:
    from scenes.style import THEMES, hex_to_rgb

    for theme in THEMES.values():
        additions = palette_additions(theme.colours())
        for colour in theme.colours().values():
            assert hex_to_rgb(colour) in additions
        assert len(additions) <= 256 - 32


@pytest.mark.unit
def test_prune_slot_publishes_svgs_drops_videos_and_keeps_only_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    slot = tmp_path / "media" / "slot-0"
    (slot / "videos" / "partial").mkdir(parents=True)
    (slot / "videos" / "partial" / "uncached_00000.mp4").write_bytes(b"x")
    (slot / ".lock").write_bytes(b"")
    texts = slot / "texts"
    texts.mkdir()
    for index in range(5):
        path = texts / f"{index}.svg"
        path.write_text("<svg></svg>\n")
        os.utime(path, (1_000_000 + index, 1_000_000 + index))
    prune_slot(slot, max_files=3)
    assert not (slot / "videos").exists()
    assert sorted(p.name for p in texts.iterdir()) == ["2.svg", "3.svg", "4.svg"]
    assert sorted(p.name for p in (tmp_path / "shared" / "texts").iterdir()) == ["2.svg", "3.svg", "4.svg"]
    assert (slot / ".lock").exists()


@pytest.mark.unit
def test_a_new_slot_starts_with_the_published_svgs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    (tmp_path / "shared" / "texts").mkdir(parents=True)
    (tmp_path / "shared" / "texts" / "abc.svg").write_text("<svg></svg>\n")
    with media_slot() as first, media_slot() as second:
        assert first != second
        for slot in (first, second):
            assert (slot / "texts" / "abc.svg").read_text() == "<svg></svg>\n"


@pytest.mark.unit
def test_svgs_truncated_by_an_interrupted_render_are_neither_kept_nor_shared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    slot_texts = tmp_path / "media" / "slot-0" / "texts"
    shared_texts = tmp_path / "shared" / "texts"
    for folder in (slot_texts, shared_texts):
        folder.mkdir(parents=True)
    (slot_texts / "cut.svg").write_text('<svg><path d="M 0 0 L')
    (slot_texts / "empty.svg").write_bytes(b"")
    (slot_texts / "whole.svg").write_text("<svg><path/></svg>\n")
    (shared_texts / "cut-shared.svg").write_text("<svg><g>")
    with media_slot() as slot:
        assert sorted(p.name for p in (slot / "texts").iterdir()) == ["whole.svg"]
        (slot / "texts" / "cut-later.svg").write_text("<svg>")
    prune_slot(tmp_path / "media" / "slot-0")
    # A truncated SVG met in the shared store is removed, so the next render typesets it again (issue 26).
    assert sorted(p.name for p in shared_texts.iterdir()) == ["whole.svg"]
    with media_slot() as slot:  # the next render never sees the file cut during the last one
        assert sorted(p.name for p in (slot / "texts").iterdir()) == ["whole.svg"]


@pytest.mark.unit
def test_every_media_folder_has_its_own_copy_of_each_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # manim rewrites a text SVG in place each time it builds the text; a file shared by two folders
    # (hard links, as the cache made before issue 16) is truncated under the other folder's reader.
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    shared_texts = tmp_path / "shared" / "texts"
    slot_texts = tmp_path / "media" / "slot-0" / "texts"
    for folder in (shared_texts, slot_texts):
        folder.mkdir(parents=True)
    (shared_texts / "old.svg").write_text("<svg></svg>\n")
    os.link(shared_texts / "old.svg", slot_texts / "old.svg")  # what the old cache left
    (shared_texts / "new.svg").write_text("<svg><g/></svg>\n")
    with media_slot() as first, media_slot() as second:
        svgs = [first / "texts" / "old.svg", first / "texts" / "new.svg", second / "texts" / "new.svg"]
        assert [path.read_text() for path in svgs] == ["<svg></svg>\n", "<svg><g/></svg>\n", "<svg><g/></svg>\n"]
        (first / "texts" / "mine.svg").write_text("<svg><path/></svg>\n")
        prune_slot(first)
    everything = [path for path in tmp_path.rglob("*.svg")]
    assert len(everything) == 8 and all(path.stat().st_nlink == 1 for path in everything)
    assert sorted(p.name for p in shared_texts.iterdir()) == ["mine.svg", "new.svg", "old.svg"]


@pytest.mark.unit
def test_a_render_sweeps_the_manifest_temporaries_of_a_killed_run_from_out(tmp_path: Path) -> None:
    # Before issue 16 only scene folders were swept; these stayed in the root of --out for good.
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    stale = [tmp_path / f".gdanim-manifest-p{dead_pid}-k2j4h6g8.json", tmp_path / f".gdanim-index-p{dead_pid}-a1b2c3d4.html"]
    live = tmp_path / f"{temp_prefix('manifest')}q1w2e3r4.json"
    for path in (*stale, live):
        path.write_text("{")
    assert check_out_dir(tmp_path) == tmp_path.resolve()
    assert sorted(tmp_path.iterdir()) == [live]


@pytest.mark.unit
def test_render_times_are_remembered_in_the_cache_for_scheduling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    assert read_render_seconds("rolling-descent/he-light-480p15") == 0.0
    record_render_seconds("rolling-descent/he-light-480p15", 12.5)
    assert read_render_seconds("rolling-descent/he-light-480p15") == 12.5
    assert [p.name for p in (tmp_path / "timings").iterdir()] == ["rolling-descent--he-light-480p15.txt"]


@pytest.mark.unit
def test_leftovers_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    stale_file = tmp_path / f".gdanim-he-light-480p15-p{dead_pid}-abc_1234.mp4"
    stale_folder = tmp_path / f".gdanim-gif-p{dead_pid}-xyz98765"
    live_file = tmp_path / f"{temp_prefix('he-light-480p15')}q1w2e3r4.gif"
    final_file = tmp_path / "he-light-480p15.mp4"
    for path in (stale_file, live_file, final_file):
        path.write_bytes(b"x")
    stale_folder.mkdir()
    (stale_folder / "palette.png").write_bytes(b"x")
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted([stale_file, stale_folder])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live_file.name, final_file.name])
