"""Safe file output: temporary files in the target folder, atomic renames, checksums."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "file_digest", "is_inside"]

TEMP_PREFIX: str = ".gdanim-"
"""Prefix of every temporary file gdanim creates next to a final file."""


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it over ``target`` on success.

    The temporary file lives in the target's folder, so the final
    :func:`os.replace` is atomic: readers see the old file or the new one,
    never a partial one. If the block raises (or is interrupted), the
    temporary file is removed and ``target`` is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def file_digest(path: Path) -> tuple[int, str]:
    """Return the size in bytes and the SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` resolves to a place inside ``folder`` (symlinks followed)."""
    return path.resolve().is_relative_to(folder.resolve())
