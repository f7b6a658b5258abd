"""Safe file output: temporary files in the target folder, atomic renames, checksums."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from gdanim.errors import MESSAGES, one_line

__all__ = [
    "folder_locked",
    "NEARLY_FULL_BYTES",
    "TEMP_PREFIX",
    "atomic_path",
    "failure_reason",
    "file_digest",
    "full_disk_error",
    "is_disk_full",
    "is_inside",
    "remove_empty_folders",
    "remove_stale_temporaries",
    "reporting_full_disk",
    "temp_prefix",
]

TEMP_PREFIX: str = ".gdanim-"
"""Prefix of every temporary file gdanim creates next to a final file."""

_TEMP_NAME: re.Pattern[str] = re.compile(rf"^{re.escape(TEMP_PREFIX)}.*-p(\d+)-[a-z0-9_]+(\.[A-Za-z0-9]+)?$")


NEARLY_FULL_BYTES: Final[int] = 1 << 20
"""A disk with less free space than this (1 MiB) cannot take another clip: it counts as full."""

_NO_SPACE_ERRNOS: Final[frozenset[int]] = frozenset({errno.ENOSPC, errno.EDQUOT})


def temp_prefix(stem: str) -> str:
    """Prefix for a temporary file or folder of this process: ``.gdanim-<stem>-p<pid>-``.

    The process id lets :func:`remove_stale_temporaries` tell the debris of a
    killed render from the work of one still running.
    """
    return f"{TEMP_PREFIX}{stem}-p{os.getpid()}-"


def _process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files and folders in ``folder`` left by gdanim processes that no longer run.

    A render killed outright (``SIGKILL``, power loss) cannot clean up after
    itself; the next render into the same folder does. Returns what was removed.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        match = _TEMP_NAME.match(path.name)
        if match is None or _process_is_alive(int(match.group(1))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


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
    fd, name = tempfile.mkstemp(prefix=temp_prefix(target.stem), suffix=target.suffix, dir=target.parent)
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


def remove_empty_folders(folders: Iterable[Path], out_dir: Path) -> None:
    """Remove those of ``folders`` (inside ``out_dir``, not it) that are empty, e.g. after a failed first render."""
    for folder in folders:
        if folder.resolve() != out_dir.resolve() and is_inside(folder, out_dir):
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty: it holds earlier clips, or is gone already


def is_disk_full(folder: Path) -> bool:
    """Whether the file system holding ``folder`` has less than :data:`NEARLY_FULL_BYTES` free."""
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def full_disk_error(error: BaseException | None) -> OSError | None:
    """The "no space left on device" (or over quota) ``OSError`` behind ``error``, following its causes."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _NO_SPACE_ERRNOS:
            return error
        error = error.__cause__ or error.__context__
    return None


def failure_reason(error: Exception, out_dir: Path, targets: dict[str, Path]) -> str:
    """One line saying why writing ``targets`` into ``out_dir`` failed: plainly when a disk is full, else the error's type and words."""
    full = full_disk_error(error)
    if full is not None:
        written = Path(str(full.filename)) if full.filename else out_dir
        # Name the clip's folder rather than a temporary file; a full cache disk by the folder named.
        if is_inside(written, out_dir):
            folder = next(iter(targets.values())).parent
        else:
            folder = written if written.is_dir() else written.parent
        return MESSAGES["no_space"].format(folder=folder)
    return f"{type(error).__name__}: {one_line(error)}"[:300]


@contextmanager
def reporting_full_disk(folder: Path) -> Iterator[None]:
    """Re-raise a failure in the block as ``OSError(ENOSPC)`` naming ``folder`` if its disk is full at that moment.

    A "no space" error that already names its file is left as it is.

    ffmpeg and gifsicle exit with status 0 when a full disk cuts their output
    short (ffmpeg only prints the error, gifsicle writes nothing), so what
    fails is a later step, with a message that says nothing about space. Use
    this while the partial files still take up the space, i.e. inside the
    blocks that remove them.
    """
    try:
        yield
    except Exception as error:
        full = full_disk_error(error)
        # A "no space" error that names no file (a plain write) is named after this folder too.
        if (full is None or not full.filename) and is_disk_full(folder):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder)) from error
        raise


@contextmanager
def folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` itself (the output, a site, the lectures), so no lock file is left behind."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
