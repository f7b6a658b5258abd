"""The reliability matrix (issues 7 and 16), top to bottom: bad inputs, interruptions, renders at once,
determinism, path safety.

1. **Bad inputs** fail with their exit status (2 usage, 1 render or tool),
   exactly one ``Error: `` line on stderr, no traceback, nothing on stdout,
   and no file written into ``--out`` (earlier good files byte for byte as
   they were). Usage errors, each with the words its line must contain, are
   :data:`BAD_INPUTS` (``--out ''`` and a 4,444-character ``--out``,
   ``tcp://host:99999`` among them); render and tool failures follow it:

   ========================================  ====  =============================================
   case                                      exit  the one line says
   ========================================  ====  =============================================
   full disk under ``--out``                 1     ``no space left on device in OUT/<scene>``
   full disk under the cache                 1     ``no space left on device in <cache>``; the
                                                   failed render's movies leave its slot
   manifest write fails (ENOSPC)             1     ``no space left on device in OUT/<scene>``
   gifsicle cuts a GIF short                 1     ``RuntimeError: gifsicle left …``
   ffmpeg killed by a signal                 1     ``ffmpeg failed: killed by SIGKILL``
   ffmpeg, gifsicle or LaTeX missing         1     ``… is not installed; install the Debian …``
   unreachable ``--scheduler``               2     ``cannot reach the Dask scheduler at …``; no
                                                   empty ``--out`` left (test_sweep_cluster.py)
   ========================================  ====  =============================================

   A manifest entry that does not validate (:data:`BAD_MANIFEST_ENTRIES`)
   exits 0 with one ``warning: OUT/manifest.json: dropped …`` line; its clip
   is re-rendered, the others kept, manifest and gallery rewritten.
2. **Interruptions**: Ctrl-C in the middle of a re-render exits 130 in one
   line and leaves the earlier files, manifest included, byte for byte, and no
   debris; ``kill -9`` of a ``--jobs`` run stops its workers at once, and they
   publish nothing. (Watch mode: an error, ``SystemExit`` or an endless loop in
   a scene is one ``error:`` line and the watch goes on; Ctrl-C exits 130 —
   tests/render/test_watch.py and tests/render/test_watch_cli.py.)
3. **Renders at once** into one ``--out`` all succeed and all land in a
   manifest that stays valid JSON; many processes typesetting the same texts
   into one cache never read a half-written SVG.
4. **Determinism**: the same inputs give the same decoded MP4 frames, and
   byte-identical MP4s, GIFs and posters.
5. **Path safety**: no parameter value puts a file outside ``--out``.
6. **Book export** (``--hugo-site``, issue 26; tests/render/test_hugo_export_safety.py): a file a
   manifest names by absolute path (a canary outside ``--out``) or by ``../`` never reaches the site;
   a garbage MP4 (record unchanged, or rewritten to match it) is never published and the site's
   checksums equal its files'; the clip is rendered again first, else the run fails in one line and the
   site is byte for byte as it was (all or nothing); 4 exports at once into one site × 3 rounds all
   land in ``data/gdanim.json``; a ``--hugo-site`` that is missing or has no Hugo configuration is a
   usage error (exit 2, one line) and nothing is written.
7. **Knob edges** (issue 26): every scene finishes at the edges of its knobs, read from the registry
   (lr 1.1 and the largest finite lr, ``--steps`` 1, both ends of ``--start``; the ``--steps``
   maximum with ``GDANIM_SLOW_TESTS=1``), each a real PNG within a subprocess time limit
   (``local-valley --learning-rate 1.1`` never ended; ``slope-steepness`` at the largest lr
   failed); at ``--start -12`` and ``18`` the slope-steepness readout is crossed by no bracket,
   arrow or tangent — tests/render/test_knob_edges.py.
8. **Worker bounds** (issue 26): ``--jobs 1000`` renders with the machine's cores and one
   ``warning:`` line (``GDANIM_MAX_JOBS`` allows more; a remote scheduler is left alone);
   ``--split 1000`` counts the clip's plays and cuts it into no more shards than plays, and
   finishes — tests/render/test_worker_bounds.py.
9. **SIGTERM and killed runs** (issue 26): ``SIGTERM`` mid re-render (``--jobs`` 1 and 2) exits
   143 with one ``Error: terminated (SIGTERM)`` line, no debris, the earlier files byte for byte;
   after a ``kill -9`` mid re-render, the next run of the same clip, up to date, removes the dead
   run's temporaries — tests/render/test_sigterm.py.

Issue 26, lecture decks (in tests/integration/test_slides.py, beside the deck they build):

- **the deck swap killed between steps**: an ``--format slides`` export that
  SIGKILLs itself just before or just after each of its renames always leaves a
  whole deck (page, player, every video and poster) at its path; the next export
  sweeps the rest (``test_an_export_killed_at_any_step_of_the_swap_…``);
- **deck folder mode**: under umask 022 and 027 every deck folder has the umask's
  mode (0755, 0750) and every file 0644, 0640, not 0700 (``test_deck_folders_get_the_umasks_mode``);
- **deterministic PPTX**: two identical ``--format pptx`` exports, 2 s apart, give
  identical bytes (``test_two_identical_pptx_exports_give_identical_bytes``).

Issue 26, the state a process and its folders keep (tests/render/test_long_runs_and_folders.py):

- **bounded memory**: 30 tiny PNG clips rendered one after another in one process (the plain
  Python API, in a subprocess: ``bench/memory_per_clip.py --clips 30``) end within 1.3× of the
  RSS after the first five (1.76× before: manim's unbounded ``SVG_HASH_TO_MOB_MAP`` and a text
  cache without a byte budget);
- **read-only ``--out``**: one whose clips are up to date (a read-only bind mount, and a 0555
  folder under ``setpriv`` without capabilities) is answered, exit 0, nothing written; one that
  needs a render is refused in one line (``--out OUT is not writable``, exit 2), before anything
  renders; ``--out afile/sub`` says ``afile is a file, not a folder`` (exit 2; it said "afile is
  not writable");
- **truncated SVGs in the shared text cache**: every SVG of the cache (shared store and slots) cut
  in half and the pickled texts removed; the next render typesets again, the store ends with every
  SVG whole and byte for byte as before, and its MP4's decoded frames equal the first render's (the
  truncated copies in the store were kept for ever);

Every clip is tiny (``--test-size 160x90@5``, see :mod:`tests.render_runs`).
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gdanim.store.files import is_inside
from gdanim.store.manifest import MANIFEST_NAME, FileRecord
from gdanim.options import MAX_RENDER_STEPS
from gdanim.clip.request import ClipRequest
from gdmath import BOOK_CURVE, MAX_STEPS, descend
from render import cli
from scenes.registry import SCENES
from tests.render_runs import (
    REPO_ROOT,
    TINY_CLIP_ARGUMENTS,
    TINY_OPTION,
    TINY_TAG,
    debris,
    decoded_frames,
    files_under,
    manifest_json,
    path_without,
    probe_video,
    render_env,
    run_render,
    sha256,
    snapshot,
    start_render,
    wait_for_debris,
)

TinyClip = tuple[Path, subprocess.CompletedProcess[str]]


def assert_one_line_error(code: int | None, stdout: str, stderr: str, expected_code: int, mentions: str) -> None:
    """The run failed with ``expected_code`` and one ``Error: `` line containing ``mentions``, and nothing else."""
    assert code == expected_code, stderr
    assert stdout == ""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    assert mentions in lines[0]


@pytest.fixture
def earlier_out(tiny_clip: TinyClip, tmp_path: Path) -> Path:
    """A copy of the shared tiny clip's ``--out``: good files a failed or interrupted run must keep."""
    out_dir = tmp_path / "earlier"
    shutil.copytree(tiny_clip[0], out_dir, symlinks=True)
    return out_dir


# --- 1. Bad inputs --------------------------------------------------------------------------

FAR_START = "start must be within [-12, 18]"

# (arguments, text the one line must contain); every case exits 2 before writing anything.
BAD_INPUTS: list[tuple[list[str], str]] = [
    # learning rate <= 0, NaN, infinite or text
    (["--learning-rate", "0"], "--learning-rate"),
    (["--learning-rate", "-0.1"], "--learning-rate"),
    (["--learning-rate", "nan"], "--learning-rate"),
    (["--learning-rate", "inf"], "--learning-rate"),
    (["--learning-rate", "fast"], "--learning-rate"),
    # steps 0, negative, huge or not whole
    (["--steps", "0"], "--steps"),
    (["--steps", "-3"], "--steps"),
    (["--steps", str(MAX_RENDER_STEPS + 1)], "--steps"),
    (["--steps", "2.5"], "--steps"),
    # a diverging trajectory at 1e6 steps: refused by the steps range, not rendered for hours
    (["overshooting-learning-rate", "--learning-rate", "1.1", "--steps", "1000000"],
     f"'--steps': 1000000 is not in the range 1<=x<={MAX_RENDER_STEPS}"),
    # a start far outside the plot, or no number at all
    (["rolling-descent", "--start", "1000"], FAR_START),
    (["--start", "-5000"], FAR_START),
    (["slope-tangent", "--start", "18.5"], FAR_START),
    # the ch. 9 scenes of issue #12 take the same knobs and the same checks
    (["slope-rise-over-run", "--start", "-12.5"], FAR_START),
    (["slope-steepness", "--learning-rate", "0"], "--learning-rate"),
    (["local-view", "--steps", "0"], "--steps"),
    (["local-view", "--start", "nan"], "--start"),
    (["--start", "2e6"], "start"),
    (["--start", "1e400"], "--start"),
    (["--start", "nan"], "--start"),
    (["--start", "-inf"], "--start"),
    (["--start", "abc"], "--start"),
    # issue #12's scenes: local-valley's starts stay on its curve's plot, book-code's numbers are the book's
    (["local-valley", "--start", "7.5"], "start must be within [-1, 7] for local-valley"),
    (["local-valley", "--start", "-12"], "start must be within [-1, 7] for local-valley"),
    (["--start", "10"], "start must be within [-1, 7] for local-valley"),
    (["local-valley", "--sweep", "start=0,8"], "start must be within [-1, 7] for local-valley"),
    (["too-small-learning-rate", "--start", "19"], FAR_START),
    (["too-small-learning-rate", "--steps", str(MAX_RENDER_STEPS + 1)], "--steps"),
    (["book-code", "--steps", "3"], "book-code shows the book's program as printed"),
    (["book-code", "--learning-rate", "0.5"], "it takes no --start, --learning-rate or --steps"),
    # unknown scene, quality, format, language or theme
    (["no-such-scene"], "no-such-scene"),
    (["rolling-descent", "../../etc/passwd"], "../../etc/passwd"),
    (["--quality", "ultra"], "--quality"),
    (["--quality", ""], "--quality"),
    (["-q", "x"], "--quality"),
    (["--format", "webm"], "--format"),
    (["--format", "mov"], "--format"),
    (["--lang", "fr"], "--lang"),
    (["--theme", "sepia"], "--theme"),
    # other usage mistakes
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "many"], "--jobs"),
    (["--list", "rolling-descent"], "--list"),
    (["--no-such-option"], "--no-such-option"),
    (["--out"], "--out"),
    (["--out", ""], "'--out': is empty"),  # before issue 16: rendered into the current folder, exit 0
    # --out that cannot be a folder
    (["--out", "d" * 4444], "'--out': cannot be used: File name too long"),  # before: a 35-line traceback
    (["--out", "/".join(["d" * 100] * 44)], "'--out': cannot be used: File name too long"),
    # --out that cannot be a folder
    (["--out", "/dev/null/clips"], "/dev/null is a file, not a folder"),
    (["--out", "/proc/gdanim-out"], "not writable"),
    # --sweep: each value checked as its single option is; no NAME or value twice; no clash with --NAME
    (["--sweep", "colour=red"], "--sweep"),
    (["--sweep", "learning-rate"], "NAME=V1,V2"),
    (["--sweep", "learning-rate="], "--sweep"),
    (["--sweep", "learning-rate=0.1,,0.2"], "--sweep"),
    (["--sweep", "learning-rate=0.1,0"], "learning-rate=0: must be > 0"),
    (["--sweep", "learning-rate=0.1,nan"], "learning-rate=nan"),
    (["--sweep", "learning-rate=fast"], "learning-rate=fast"),
    (["--sweep", "start=-1,inf"], "start=inf"),
    (["rolling-descent", "--sweep", "start=1,1000"], FAR_START),
    (["--sweep", "steps=2,501"], "steps=501"),
    (["--sweep", "steps=2.5"], "steps=2.5"),
    (["--sweep", "lang=he,fr"], "lang=fr"),
    (["--sweep", "theme=light,sepia"], "theme=sepia"),
    (["--sweep", "lang=he", "--sweep", "lang=en"], "--sweep lang is given twice"),
    (["--sweep", "learning-rate=0.1,0.10"], "--sweep learning-rate lists 0.1 twice"),
    (["--sweep", "lang=he,en", "--lang", "en"], "--lang"),
    (["--sweep", "learning-rate=0.1,0.2", "--learning-rate", "0.3"], "--learning-rate"),
    (["--sweep", "steps=1,2", "--steps", "1"], "--steps"),
    # --scheduler that is no address (an unreachable one is in test_sweep_cluster.py)
    (["--scheduler", "not an address"], "--scheduler"),
    (["--scheduler", "tcp://scheduler-without-port"], "--scheduler"),
    (["--scheduler", "tcp://host:99999"], "--scheduler"),  # before issue 16: tried for 10 s
    (["--scheduler", "tcp://host:0"], "--scheduler"),
    (["rolling-descent", "--watch", "--sweep", "lang=he,en"], "--watch"),
    (["rolling-descent", "--watch", "--scheduler", "local"], "--watch"),
]

SUBPROCESS_CASES: list[tuple[list[str], str]] = [
    case for case in BAD_INPUTS
    if case[0] in (["--learning-rate", "nan"], ["no-such-scene"], ["rolling-descent", "--start", "1000"],
                   ["local-valley", "--start", "7.5"], ["book-code", "--steps", "3"],
                   ["overshooting-learning-rate", "--learning-rate", "1.1", "--steps", "1000000"])
]
"""A few cases run as a real ``python render.py``, as a user's shell sees them."""


def _case_id(case: tuple[list[str], str]) -> str:
    return " ".join(case[0]) or "empty"


def _out_and_arguments(arguments: list[str], out_dir: Path) -> tuple[Path, list[str]]:
    """The ``--out`` a case writes to, and its full arguments (a case may name its own ``--out``)."""
    if "--out" in arguments[:-1]:
        return Path(arguments[arguments.index("--out") + 1]), arguments
    return out_dir, ["--out", str(out_dir), *arguments]


def _state(out_dir: Path) -> tuple[bool, list[Path], dict[Path, str]]:
    """Whether ``out_dir`` exists, what is in it, and every file's SHA-256."""
    try:
        exists = out_dir.exists()
    except OSError:  # a name too long to exist
        return False, [], {}
    return exists, files_under(out_dir), snapshot(out_dir) if out_dir.is_dir() else {}


@pytest.mark.parametrize("earlier", [False, True], ids=["empty out", "earlier files"])
@pytest.mark.parametrize(("arguments", "mentions"), BAD_INPUTS, ids=map(_case_id, BAD_INPUTS))
def test_bad_input_exits_2_in_one_line_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, earlier_out: Path, arguments: list[str], mentions: str, earlier: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out_dir, arguments = _out_and_arguments(arguments, earlier_out if earlier else tmp_path / "out")
    monkeypatch.chdir(earlier_out.parent)  # a relative --out (or an empty one) lands here
    before = _state(out_dir), _state(Path.cwd())
    result = runner.invoke(cli, arguments)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2, mentions)
    assert (_state(out_dir), _state(Path.cwd())) == before


@pytest.mark.unit
@pytest.mark.parametrize(("arguments", "mentions"), SUBPROCESS_CASES, ids=map(_case_id, SUBPROCESS_CASES))
def test_bad_input_in_a_real_process(tmp_path: Path, arguments: list[str], mentions: str) -> None:
    out_dir, arguments = _out_and_arguments(arguments, tmp_path / "out")
    completed = run_render(*arguments)
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 2, mentions)
    assert _state(out_dir) == (False, [], {})


@pytest.mark.unit
def test_the_start_bound_is_in_the_help(runner: CliRunner) -> None:
    help_text = " ".join(runner.invoke(cli, ["--help"]).output.split())
    assert "Starting position x, within [-12, 18]: the error curve's plot range widened by its width" in help_text
    assert "local-valley: within its plot range [-1, 7]" in help_text


@pytest.mark.unit
def test_a_million_diverging_steps_are_refused_by_gdmath_too() -> None:
    # Up to MAX_STEPS a diverging run stops at the bound, finite and fast:
    # tests/unit/test_gdmath.py::test_divergence_stops_at_the_bound_without_inf_nan_or_warnings.
    started = time.perf_counter()
    with pytest.raises(ValueError, match=f"steps must be between 0 and {MAX_STEPS}, got 1000000"):
        descend(BOOK_CURVE, -1, 1.1, 10**6)
    assert time.perf_counter() - started < 0.1


@pytest.mark.unit
def test_out_that_is_a_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep me")
    result = runner.invoke(cli, ["rolling-descent", "--out", str(target)])
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          f"Error: Invalid value for '-o' / '--out': {target} is a file, not a folder")
    assert target.read_text() == "keep me"
    assert files_under(tmp_path) == [target]


@pytest.mark.unit
def test_out_that_is_not_writable_is_a_usage_error(tmp_path: Path) -> None:
    # Root may write anywhere (CI runs as root), so the command runs without any
    # capabilities: then even root meets the folder's permission bits.
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    command = [sys.executable, "render.py", "rolling-descent", "--out", str(locked / "out")]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", *command]
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 2,
                          f"Error: Invalid value for '-o' / '--out': {locked} is not writable")
    assert list(locked.iterdir()) == []


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs at ``tmp_path / "disk"``, unmounted afterwards (tests fill it with :func:`_fill`)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root); test_a_full_disk_while_writing_the_manifest "
                    "covers a full disk by patching the write")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _fill(disk: Path) -> None:
    """Write a file on ``disk`` until no byte more fits."""
    with (disk / "filler").open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


def test_a_full_disk_fails_in_one_line_and_keeps_earlier_files(full_disk: Path, earlier_out: Path) -> None:
    out_dir = full_disk / "out"
    shutil.copytree(earlier_out, out_dir, symlinks=True)
    _fill(full_disk)
    before = snapshot(out_dir)
    completed = run_render(*TINY_CLIP_ARGUMENTS, "--force", "--out", str(out_dir))
    no_space = f"no space left on device in {out_dir.resolve() / 'rolling-descent'}"
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 1,
                          f"Error: rendering rolling-descent failed: {no_space}")
    assert debris(full_disk) == []
    assert snapshot(out_dir) == before


def test_a_first_render_into_a_full_disk_writes_nothing(full_disk: Path) -> None:
    out_dir = full_disk / "out"
    _fill(full_disk)
    # A GIF: ffmpeg and gifsicle exit 0 when a full disk cuts their output short.
    completed = run_render("slope-tangent", "-q", "l", "-f", "gif", "--steps", "1", "--out", str(out_dir))
    no_space = f"no space left on device in {out_dir.resolve() / 'slope-tangent'}"
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 1,
                          f"Error: rendering slope-tangent failed: {no_space}")
    assert debris(full_disk) == []
    assert files_under(out_dir) == []


def test_a_full_cache_disk_is_named_and_the_failed_render_leaves_nothing_in_its_slot(
    full_disk: Path, tmp_path: Path
) -> None:
    # Before issue 16 this said "no space left on device in <--out>" (--out had room) or failed on an
    # empty SVG, and the partial movies stayed in the cache slot, keeping its disk full.
    cache_dir = full_disk / "cache"
    _fill(full_disk)
    with (full_disk / "filler").open("r+b") as filler:
        filler.truncate(filler.seek(0, os.SEEK_END) - 96 * 1024)  # room for a few texts, not for the render
    out_dir = tmp_path / "out"
    completed = run_render(*TINY_CLIP_ARGUMENTS, "--out", str(out_dir), env=render_env(GDANIM_CACHE_DIR=str(cache_dir)))
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 1,
                          f"Error: rendering rolling-descent failed: no space left on device in {cache_dir};")
    leftovers = [p for p in cache_dir.rglob("*") if p.is_file() and p.suffix in {".mp4", ".mov", ".png", ".gif"}]
    truncated = [p for p in cache_dir.rglob("*.svg") if not p.read_bytes().rstrip().endswith(b"</svg>")]
    assert (leftovers, truncated) == ([], [])
    assert files_under(out_dir) == []


def test_a_full_disk_while_writing_the_manifest(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last write of a render, after its files are in place; before the fix it ended in a traceback.
    import gdanim.store.manifest

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out" / MANIFEST_NAME))

    monkeypatch.setattr(gdanim.store.manifest, "atomic_path", no_space)
    result = runner.invoke(cli, ["slope-tangent", "-q", "l", "-f", "png", "--steps", "1", "--quiet",
                                 "--out", str(tmp_path / "out"), *TINY_OPTION])
    no_space = f"no space left on device in {tmp_path.resolve() / 'out' / 'slope-tangent'}"
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          f"Error: rendering slope-tangent failed: {no_space}")
    assert debris(tmp_path) == []


def _gif_with_stand_in(tmp_path: Path, tool: str, script: str, out_dir: Path) -> subprocess.CompletedProcess[str]:
    """Render a one-step GIF into ``out_dir`` with ``tool`` replaced by a Python ``script`` on ``PATH``."""
    tools = path_without(tmp_path, tool)
    stand_in = Path(tools) / tool
    stand_in.write_text(f"#!{sys.executable}\n{script}")
    stand_in.chmod(0o755)
    return run_render("slope-tangent", "-q", "l", "-f", "gif", "--steps", "1", "--out", str(out_dir),
                      env=render_env(PATH=tools))


def test_a_gif_a_tool_cut_short_is_never_published(tmp_path: Path) -> None:
    # On a full disk gifsicle writes what fits and still exits 0; this one always drops the GIF's last byte.
    out_dir = tmp_path / "out"
    completed = _gif_with_stand_in(tmp_path, "gifsicle", "import sys\ndata = open(sys.argv[-3], 'rb').read()\n"
                                   "open(sys.argv[-1], 'wb').write(data[:-1])\n", out_dir)
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 1,
                          "Error: rendering slope-tangent failed: RuntimeError: gifsicle left ")
    assert files_under(out_dir) == []


def test_a_tool_killed_by_a_signal_is_named_with_the_signal(tmp_path: Path) -> None:
    # Before issue 16: "ffmpeg failed: no message".
    out_dir = tmp_path / "out"
    completed = _gif_with_stand_in(tmp_path, "ffmpeg", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
                                   out_dir)
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 1,
                          "Error: rendering slope-tangent failed: RuntimeError: ffmpeg failed: killed by SIGKILL")
    assert files_under(out_dir) == []


@pytest.mark.parametrize("earlier", [False, True], ids=["empty out", "earlier files"])
@pytest.mark.parametrize(
    ("missing", "package"), [("gifsicle", "gifsicle"), ("ffmpeg", "ffmpeg")]
)
def test_a_missing_tool_names_its_package_and_writes_nothing(
    earlier_out: Path, tmp_path: Path, missing: str, package: str, earlier: bool
) -> None:
    out_dir = earlier_out if earlier else tmp_path / "out"
    before = snapshot(out_dir) if earlier else {}
    completed = run_render(*TINY_CLIP_ARGUMENTS, "--force", "--out", str(out_dir),
                           env=render_env(PATH=path_without(tmp_path, missing)))
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 1,
                          f"Error: {missing} is not installed; install the Debian package: apt-get install {package}")
    assert snapshot(out_dir) == before
    assert debris(out_dir) == []


def test_a_render_needs_no_latex(tmp_path: Path) -> None:
    # No scene typesets TeX (tests/unit/test_static_checks.py): without latex and dvisvgm a clip still renders.
    out_dir = tmp_path / "out"
    completed = run_render(*TINY_CLIP_ARGUMENTS, "--out", str(out_dir), env=render_env(PATH=path_without(tmp_path, "")))
    assert completed.returncode == 0, completed.stderr
    assert sorted(p.suffix for p in (out_dir / "rolling-descent").iterdir()) == [".gif", ".mp4", ".vtt"]


# --- 1b. A manifest with entries that do not validate ------------------------------------------

ABSENT = "<absent>"
"""A field value that stands for leaving the field out."""

# (the clip whose entry is broken: the one rendered or another, field → value, the problem named on stderr).
# Each run exits 0, says so in one warning line, re-renders the rendered clip if its entry was the broken
# one, keeps the valid entries and rewrites manifest and gallery without the broken one.
BAD_MANIFEST_ENTRIES: list[tuple[str, dict[str, object], str]] = [
    ("rendered", {"files": []}, '"files" is [], not an object'),
    ("rendered", {"files": None}, '"files" is null, not an object'),
    ("rendered", {"files": {"mp4": "x"}}, '"files"."mp4" is "x", not an object'),
    ("rendered", {"id": 5}, 'clip 1: "id" is 5, not text'),
    ("rendered", {"id": ["x"]}, 'clip 1: "id" is ["x"], not text'),
    ("other", {"scene": ABSENT}, 'rolling-descent/other: has no "scene"'),
    ("other", {"duration": "abc"}, 'rolling-descent/other: "duration" is "abc", not a number'),
]


MANIFEST_CASES = [(*case, False) for case in BAD_MANIFEST_ENTRIES] + [
    (*case, True) for case in BAD_MANIFEST_ENTRIES if case[0] == "rendered"
]
"""Each case as is, and with ``--force`` for the rendered clip's entry."""


@pytest.mark.parametrize(("whose", "broken", "problem", "force"), MANIFEST_CASES,
                         ids=[f"{whose} {json.dumps(broken)}{' --force' * force}"
                              for whose, broken, _, force in MANIFEST_CASES])
def test_a_manifest_entry_that_does_not_validate_is_treated_as_absent(
    runner: CliRunner, earlier_out: Path, monkeypatch: pytest.MonkeyPatch,
    whose: str, broken: dict[str, object], problem: str, force: bool,
) -> None:
    # Before issue 16 these crashed every run with a traceback, or failed after writing the manifest
    # (a missing "scene" broke the gallery), so the next run said up to date over a stale index.html.
    manifest_path = earlier_out / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    (good,) = manifest["clips"]
    entry = {**good, **broken} if whose == "rendered" else {**good, "id": "rolling-descent/other", **broken}
    entry = {name: value for name, value in entry.items() if value != ABSENT}
    manifest["clips"] = [entry] if whose == "rendered" else [good, entry]
    manifest_path.write_text(json.dumps(manifest))
    result = runner.invoke(cli, [*TINY_CLIP_ARGUMENTS, "--quiet", "--out", str(earlier_out), *(["--force"] * force),
                                 *TINY_OPTION])
    assert result.exit_code == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"warning: {manifest_path}: dropped the entry that does not validate ("), line
    assert f"{problem}); its clip is rendered again when asked for" in line
    clips = manifest_json(earlier_out)["clips"]
    assert json.loads(manifest_path.read_text())["clips"] == clips  # rewritten without the broken entry
    assert [clip["id"] for clip in clips] == [good["id"]]
    assert len(result.stdout.splitlines()) == 3  # the MP4, its subtitles and the GIF, re-rendered or up to date
    for record in clips[0]["files"].values():
        assert FileRecord.from_json(record).matches(earlier_out)
    gallery = (earlier_out / "index.html").read_text()
    assert good["id"] in gallery and "rolling-descent/other" not in gallery
    if whose == "other" and not force:
        assert clips == [good]  # up to date: not rendered again


# --- 2. Ctrl-C during a re-render -------------------------------------------------------------

THREE_SCENES = ["rolling-descent", "slope-tangent", "learning-rate-comparison"]


@pytest.mark.parametrize(("jobs", "scenes"), [(1, ["rolling-descent"]), (2, THREE_SCENES)], ids=["jobs 1", "jobs 2"])
def test_ctrl_c_mid_re_render_exits_130_and_keeps_the_earlier_files(
    earlier_out: Path, jobs: int, scenes: list[str]
) -> None:
    before = snapshot(earlier_out)
    manifest = json.loads((earlier_out / MANIFEST_NAME).read_text())
    arguments = [*TINY_CLIP_ARGUMENTS[1:], "--force", "--jobs", str(jobs), "--out", str(earlier_out)]
    process = start_render(*scenes, *arguments)
    assert wait_for_debris(process, earlier_out), "the render never started writing"
    # At once: a tiny clip's first temporary file can come late (encoding, subtitles), and
    # a pause here let a fast re-render finish before the signal (exit 0 seen under load).
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert_one_line_error(process.returncode, stdout, stderr, 130, "Error: interrupted")
    assert debris(earlier_out) == []
    assert snapshot(earlier_out) == before
    assert json.loads((earlier_out / MANIFEST_NAME).read_text()) == manifest
    assert sorted(p.name for p in earlier_out.iterdir() if p.is_dir()) == ["rolling-descent"]


def _process_state(pid: int) -> str:
    """The state letter of a process in ``/proc`` (``R``, ``S``, ``Z`` …), or ``X`` when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "X"
    return stat.rsplit(")", 1)[1].split()[0]


def _spawned_children(pid: int) -> list[int]:
    """Process ids of the multiprocessing workers ``pid`` spawned (not its resource tracker)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            children.append(int(stat.parent.name))
    return children


def test_kill_9_of_a_jobs_run_stops_its_workers_at_once(tmp_path: Path) -> None:
    # Before issue 16 the workers lived on with parent 1, wrote clips and the manifest 8-16 s later, then hung.
    out_dir = tmp_path / "out"
    process = start_render("rolling-descent", "slope-tangent", "-q", "l", "-f", "mp4", "--force", "--jobs", "2",
                           "--out", str(out_dir))
    workers: list[int] = []
    try:
        assert wait_for_debris(process, out_dir), "the render never started writing"
        workers = _spawned_children(process.pid)
        assert len(workers) == 2
        process.kill()
        process.wait(timeout=30)  # not communicate(): live workers would hold its pipes open
        deadline = time.monotonic() + 10
        while any(_process_state(pid) not in "ZX" for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [_process_state(pid) for pid in workers if _process_state(pid) not in "ZX"] == []
        # Each stopped mid-render and removed its temporary files; nothing was published.
        assert [path for path in out_dir.rglob("*") if path.is_file()] == []
    finally:
        for pid in workers:
            if _process_state(pid) not in "ZX":
                os.kill(pid, signal.SIGKILL)
        process.kill()
        process.communicate(timeout=30)


# --- 3. Renders at once into one --out ----------------------------------------------------------


def _render_at_once(out_dir: Path, variants: list[list[str]], env: dict[str, str] | None = None) -> list[str]:
    """Start one ``render.py`` per variant of a one-step MP4 into ``out_dir`` together; return their stdouts."""
    common = ["rolling-descent", "-q", "l", "-f", "mp4", "--steps", "1", "--out", str(out_dir)]
    processes = [start_render(*common, *variant, env=env) for variant in variants]
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [process.returncode for process in processes] == [0] * len(variants), outputs
    assert debris(out_dir) == []
    return [stdout for stdout, _ in outputs]


def _manifest_ids(out_dir: Path) -> list[str]:
    """Clip ids of the manifest, which must be valid JSON whose every file matches the disk and decodes."""
    manifest = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    for clip in manifest["clips"]:
        for record in clip["files"].values():
            assert FileRecord.from_json(record).matches(out_dir), record
            if not record["path"].endswith(".vtt"):
                assert probe_video(out_dir / record["path"])["frames"] > 0
    return [clip["id"] for clip in manifest["clips"]]


def test_two_renders_into_one_folder_at_once_both_land_in_the_manifest(tmp_path: Path) -> None:
    out_dir, cache_dir = tmp_path / "out", tmp_path / "cache"
    _render_at_once(out_dir, [["--lang", "he"], ["--lang", "en"]], render_env(GDANIM_CACHE_DIR=str(cache_dir)))
    assert _manifest_ids(out_dir) == [
        f"rolling-descent/en-light-{TINY_TAG}-steps1", f"rolling-descent/he-light-{TINY_TAG}-steps1"
    ]
    # Each process had its own manim media folder in the cache (slot-1 while slot-0 was busy), and left no movies.
    assert {p.name for p in (cache_dir / "media").iterdir()} <= {"slot-0", "slot-1"}
    assert [p for p in cache_dir.rglob("*") if p.suffix in {".mp4", ".png", ".gif"}] == []


def test_the_same_clip_rendered_twice_at_once_is_one_good_file(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    stdouts = _render_at_once(out_dir, [[], []])
    mp4 = out_dir / "rolling-descent" / f"he-light-{TINY_TAG}-steps1.mp4"
    vtt = mp4.with_suffix(".vtt")
    assert stdouts == [f"{mp4}\n{vtt}\n"] * 2
    assert _manifest_ids(out_dir) == [f"rolling-descent/he-light-{TINY_TAG}-steps1"]
    assert files_under(out_dir / "rolling-descent") == [mp4, vtt]


TEXTS_TYPESET_AT_ONCE: list[str] = [
    f"{n}. Gradient descent steps downhill: <b>x ← x − η·f′(x)</b>, until the slope is flat. " * 2
    for n in range(6)
]
"""Captions of a few lines: many rewrites of SVGs that other processes read."""


def test_many_processes_typesetting_the_same_texts_never_read_a_half_written_svg(tmp_path: Path) -> None:
    # Every Text/MarkupText rewrites its SVG in place (manimpango's remove_last_M). When the cache
    # hard-linked one SVG into every media slot, that rewrite truncated the file other processes
    # were parsing: "ParseError: no element found" at random under --jobs 2 (issue 16, case 1).
    env = render_env(GDANIM_CACHE_DIR=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "tests.text_cache_race"]
    # One process typesets first and publishes its SVGs, so the others all start from the shared ones.
    first = subprocess.run([*command, "1", *TEXTS_TYPESET_AT_ONCE], cwd=REPO_ROOT, env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    # Three processes on two cores, one round each: every one still rewrites the shared texts' SVGs while
    # the others parse them (the race); four processes and two rounds cost minutes of CI for no new case.
    processes = [subprocess.Popen([*command, "1", *TEXTS_TYPESET_AT_ONCE], cwd=REPO_ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [(process.communicate(timeout=240)[1], process.returncode) for process in processes]
    assert [code for _, code in outcomes] == [0] * len(processes), [err[-600:] for err, _ in outcomes]
    svgs = [p for p in (tmp_path / "cache").rglob("*.svg")]
    assert svgs and all(p.stat().st_nlink == 1 for p in svgs), "an SVG is shared by two folders"


# --- 4. Determinism -------------------------------------------------------------------------------


def _render_alone(out_dir: Path, cache_dir: Path | None, *arguments: str) -> None:
    """Render into ``out_dir`` in a new process; with ``cache_dir``, a new and empty cache shares nothing either."""
    env = render_env(GDANIM_CACHE_DIR=str(cache_dir)) if cache_dir is not None else None
    completed = run_render(*arguments, "--out", str(out_dir), env=env)
    assert completed.returncode == 0, completed.stderr


def test_the_same_inputs_give_the_same_mp4_frames_and_bytes(tiny_clip: TinyClip, tmp_path: Path) -> None:
    first_dir, _ = tiny_clip
    _render_alone(tmp_path / "again", tmp_path / "cache", *TINY_CLIP_ARGUMENTS)
    first = manifest_json(first_dir)["clips"][0]["files"]
    again = manifest_json(tmp_path / "again")["clips"][0]["files"]
    first_frames = decoded_frames(first_dir / first["mp4"]["path"])
    again_frames = decoded_frames(tmp_path / "again" / again["mp4"]["path"])
    assert len(first_frames) == len(again_frames) > 1
    for index, (one, other) in enumerate(zip(first_frames, again_frames)):
        np.testing.assert_array_equal(one, other, err_msg=f"frame {index}")
    # x264, ffmpeg and gifsicle are deterministic too: the files match byte for byte.
    assert (first["mp4"]["sha256"], first["gif"]["sha256"]) == (again["mp4"]["sha256"], again["gif"]["sha256"])


def test_the_same_inputs_give_byte_identical_posters(tmp_path: Path) -> None:
    arguments = ("rolling-descent", "-q", "l", "-f", "png", "--steps", "2", "--lang", "en", "--theme", "dark")
    for name in ("first", "again"):
        _render_alone(tmp_path / name, None, *arguments)
    (poster,) = [p.relative_to(tmp_path / "first") for p in files_under(tmp_path / "first") if p.suffix == ".png"]
    assert sha256(tmp_path / "first" / poster) == sha256(tmp_path / "again" / poster)


# --- 5. Path safety ---------------------------------------------------------------------------------

SAFE_NAME = r"^[A-Za-z0-9.+_-]+$"

HOSTILE_TEXT = st.one_of(
    st.text(),
    st.sampled_from(["..", "../..", "/", "/etc/passwd", "rolling-descent/../../x", "rolling-descent\0", "~root",
                     "ROLLING-DESCENT/..", "\u202erolling-descent", "rolling\u2010descent", ".", ""]),
)
"""Text a parameter could be: anything, and the usual path tricks."""

ANY_FLOAT = st.one_of(st.floats(), st.sampled_from([-0.0, 5e-324, 1.7976931348623157e308, -12.0, 18.0, 1e-300]))


@pytest.mark.unit
@settings(max_examples=200, deadline=None)
@given(
    scene=st.one_of(st.sampled_from(list(SCENES)), HOSTILE_TEXT),
    quality=st.one_of(st.sampled_from(["l", "low", "k", "4K"]), HOSTILE_TEXT),
    language=st.one_of(st.sampled_from(["he", "EN"]), HOSTILE_TEXT),
    theme=st.one_of(st.sampled_from(["light", "Dark"]), HOSTILE_TEXT),
    start=st.one_of(st.none(), ANY_FLOAT),
    learning_rate=st.one_of(st.none(), ANY_FLOAT),
    steps=st.one_of(st.none(), st.integers(min_value=-10, max_value=10**9)),
    extension=st.sampled_from(["mp4", "gif", "png"]),
)
def test_no_parameter_value_puts_a_file_outside_out(
    scene: str, quality: str, language: str, theme: str, start: float | None, learning_rate: float | None,
    steps: int | None, extension: str,
) -> None:
    try:
        request = ClipRequest.create(scene, quality, language, theme, start, learning_rate, steps)
    except ValueError:
        return  # refused in plain words: nothing is written
    out_dir = Path("/srv/out")
    path = request.output_path(out_dir, extension)
    assert path.parent == out_dir / request.scene
    assert request.scene in SCENES
    assert not path.name.startswith(".")
    assert path.suffix == f".{extension}"
    assert re.match(SAFE_NAME, path.name)
    assert is_inside(path, out_dir)
    assert math.isfinite(request.start) and math.isfinite(request.learning_rate)


@pytest.mark.unit
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scene=HOSTILE_TEXT, option=st.sampled_from(["--lang", "--theme", "--quality", "--format"]), value=HOSTILE_TEXT)
def test_hostile_names_on_the_command_line_write_nothing(
    runner: CliRunner, tmp_path: Path, scene: str, option: str, value: str
) -> None:
    assume(scene.lower() not in SCENES and not scene.startswith("-"))  # "-h" is not a scene but a request for help
    before = files_under(tmp_path)
    result = runner.invoke(cli, ["--out", str(tmp_path / "out"), scene, option, value])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert files_under(tmp_path) == before


def test_a_render_with_hostile_but_valid_values_writes_only_under_out(tmp_path: Path) -> None:
    # An --out spelled with "..", "." and non-ASCII, a negative zero start and the smallest learning rate.
    (tmp_path / "a b").mkdir()
    out_dir = tmp_path / "a b" / ".." / "שלום" / "." / "out"
    before = set(files_under(tmp_path))
    completed = run_render("ROLLING-DESCENT", "-q", "l", "-f", "png", "--start", "-0.0", "--learning-rate", "5e-324",
                           "--steps", "1", "--out", str(out_dir))
    assert completed.returncode == 0, completed.stderr
    written = set(files_under(tmp_path)) - before
    resolved_out = out_dir.resolve()
    for path in written:
        # Inside --out, or one of the folders made on the way to it.
        assert path.resolve().is_relative_to(resolved_out) or path.resolve() in resolved_out.parents, path
    assert {p.name for p in written if p.is_file()} == {f"he-light-{TINY_TAG}-lr5e-324-start0-steps1.png",
                                                        MANIFEST_NAME, "index.html"}


@pytest.mark.unit
def test_a_symlink_out_of_the_output_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "rolling-descent").symlink_to(elsewhere)
    completed = run_render("rolling-descent", "-q", "l", "--steps", "1", "--out", str(out_dir))
    assert_one_line_error(completed.returncode, completed.stdout, completed.stderr, 2, "outside --out")
    assert list(elsewhere.iterdir()) == []

