"""gdanim built as a wheel and installed into a fresh venv outside the checkout: --list, a tiny render, a Hugo export.

The wheel is built from a copy of the checkout (a build writes ``build/`` and
``*.egg-info`` next to the sources); the venv gets only the wheel, and finds
gdanim's dependencies (manim, PyAV, …) in this interpreter's site-packages
through a ``.pth`` file, so nothing is downloaded but the build backend.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from gdanim.clip.request import ClipRequest
from scenes.registry import SCENES
from tests.render_runs import REPO_ROOT, TINY


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel and a fresh venv with it installed, both outside the checkout."""
    work = tmp_path_factory.mktemp("wheel")
    tracked = _run(["git", "ls-files", "-z"], REPO_ROOT).stdout.split("\0")
    source = work / "source"
    for name in filter(None, tracked):
        if (REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(source)], work)
    if built.returncode != 0 and "No matching distribution found for setuptools" in built.stderr:
        pytest.skip("the build backend (setuptools) cannot be downloaded here")
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("gdanim-*.whl")
    venv = work / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work).returncode == 0
    python = venv / "bin" / "python"
    site_packages = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], work)
                         .stdout.strip())
    # gdanim's dependencies come from this interpreter's environment, after the venv's own site-packages.
    (site_packages / "gdanim-test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    installed = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                      str(wheel)], work)
    assert installed.returncode == 0, installed.stderr
    return wheel, venv


def _user_env(home: Path) -> dict[str, str]:
    """A user's environment: no cache override, no checkout on the path, its own cache folder."""
    env = {key: value for key, value in os.environ.items() if key not in ("GDANIM_CACHE_DIR", "PYTHONPATH")}
    return {**env, "XDG_CACHE_HOME": str(home / "cache")}


def test_the_wheel_carries_the_package_data(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "gdanim/publish/shortcodes/gd-clip.html" in names
    assert "gdanim/run/dask.yaml" in names
    assert "gdanim/__main__.py" in names
    assert not [name for name in names if name.startswith(("tests/", "bench/")) or name == "render.py"]


def test_the_installed_command_lists_renders_and_exports(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    env = _user_env(tmp_path)
    listed = _run([str(venv / "bin" / "gdanim"), "--list"], tmp_path, env)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(SCENES)
    as_module = _run([str(venv / "bin" / "python"), "-m", "gdanim", "--list"], tmp_path, env)
    assert as_module.stdout == listed.stdout

    site = tmp_path / "site"
    site.mkdir()
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")  # an existing Hugo site
    rendered = _run([str(venv / "bin" / "gdanim"), "slope-tangent", "-q", "l", "-f", "mp4", "--steps", "1",
                     "--lang", "en", "--out", "out", "--hugo-site", str(site), "--test-size", TINY, "--quiet"],
                    tmp_path, env)
    assert rendered.returncode == 0, rendered.stderr
    stem = ClipRequest.create("slope-tangent", "low", "en", steps=1, test_size=TINY).stem
    clip = Path("out") / "slope-tangent" / stem
    assert {f"{clip}.mp4", f"{clip}.png"} <= set(rendered.stdout.splitlines())
    shortcode = site / "layouts" / "shortcodes" / "gd-clip.html"
    assert shortcode.read_bytes() == (REPO_ROOT / "gdanim" / "publish" / "shortcodes" / "gd-clip.html").read_bytes()
    assert (site / "static" / "gdanim" / "slope-tangent" / f"{stem}.mp4").stat().st_size > 0
    # The cache is the user's, not a folder inside site-packages.
    assert (tmp_path / "cache" / "gdanim" / "media").is_dir()
    purelib = Path(_run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        tmp_path).stdout.strip())
    assert not (purelib / ".cache").exists()
    shown = _run([str(venv / "bin" / "python"), "-c", "import gdanim.cli; print(gdanim.cli.__file__)"], tmp_path, env)
    assert Path(shown.stdout.strip()).is_relative_to(venv)
