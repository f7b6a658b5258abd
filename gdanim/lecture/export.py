"""The lecture exports of a run: ``OUT/slides/<lang>-<theme>-<quality>/`` (HTML), ``….pptx`` and ``….pdf``.

They read only the manifest and the clips' MP4s, so they follow any render
path. Every deck is built in a temporary folder beside its target and put in
place at the end, in one atomic step (an HTML deck's folder is swapped with
the old one by ``renameat2(RENAME_EXCHANGE)``; a file is renamed over the old
one): a failed, interrupted or killed export leaves the previous deck, or
nothing, never half of one, and never no deck where there was one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from gdanim.clip.request import ClipRequest
from gdanim.lecture import LECTURE_FORMATS
from gdanim.lecture.deck import Deck, Slide, collect_decks, cut_slide_media
from gdanim.store.files import (
    atomic_path,
    remove_stale_temporaries,
    reporting_full_disk,
    temp_prefix,
)

__all__ = ["LECTURE_FORMATS", "SLIDES_FOLDER", "current_umask", "exchange_paths", "export_lecture"]

SLIDES_FOLDER: Final[str] = "slides"
"""Folder under ``--out`` that holds the decks."""

Media = dict[Slide, tuple[Path, Path]]


def _write_pptx(deck: Deck, media: Media, target: Path) -> Path:
    from gdanim.lecture.powerpoint import (
        write_pptx,  # python-pptx loads lxml: only when asked for
    )

    return write_pptx(deck, media, target)


def _write_pdf(deck: Deck, media: Media, target: Path) -> Path:
    from gdanim.lecture.handout import write_pdf

    return write_pdf(deck, media, target)


_FILE_WRITERS: Final[dict[str, Callable[[Deck, Media, Path], Path]]] = {"pptx": _write_pptx, "pdf": _write_pdf}


_AT_FDCWD: Final[int] = -100
_RENAME_EXCHANGE: Final[int] = 2
"""``renameat2`` flag (Linux 3.15, glibc 2.28): swap two existing paths in one step."""


def _libc_renameat2() -> Callable[..., int] | None:
    """The C library's ``renameat2``, or None where it has none (not Linux, an old or other libc)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange_paths(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step (``renameat2(RENAME_EXCHANGE)``).

    Returns
    -------
    bool
        True once swapped; False where the system or the file system cannot
        swap (nothing changed then).

    Raises
    ------
    OSError
        If the swap fails for another reason (a missing path, no permission).
    """
    renameat2 = _libc_renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _replace_folder(new: Path, target: Path) -> None:
    """Put the folder ``new`` where ``target`` is, in one step: ``target`` always holds a whole deck.

    An existing ``target`` is swapped with ``new`` atomically, then removed
    from ``new``'s (temporary) name; a process killed in between leaves the
    new deck in place and the old one under a temporary name that the next
    export sweeps. Where the system cannot swap, the old deck is renamed away
    first and put back if the second rename fails (a killed process can then
    leave no deck at ``target`` for an instant; the old one is swept).
    """
    if not target.exists():
        os.replace(new, target)
        return
    if exchange_paths(new, target):
        shutil.rmtree(new, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=target.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def current_umask() -> int:
    """The process's file mode creation mask (Linux's ``/proc/self/status``; elsewhere set and restored)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _work_folder(slides_dir: Path, deck: Deck) -> Path:
    """A temporary folder for a deck, with the mode a folder made with ``mkdir`` gets (``mkdtemp`` makes it 0700)."""
    work = Path(tempfile.mkdtemp(prefix=temp_prefix(deck.name), dir=slides_dir))
    work.chmod(0o777 & ~current_umask())
    return work


def _export_deck(deck: Deck, slides_dir: Path, lecture_format: str) -> Path:
    work = _work_folder(slides_dir, deck)
    try:
        media = {slide: cut_slide_media(slide, work / "media") for slide in deck.slides}
        if lecture_format == "slides":
            from gdanim.lecture.slides import write_slides

            write_slides(deck, work)
            target = slides_dir / deck.name
            _replace_folder(work, target)
            return target / "index.html"
        target = slides_dir / f"{deck.name}.{lecture_format}"
        with atomic_path(target) as temporary:
            _FILE_WRITERS[lecture_format](deck, media, temporary)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def export_lecture(requests: Iterable[ClipRequest], out_dir: Path, lecture_format: str) -> list[Path]:
    """Build the decks of a run's clips, already rendered into ``out_dir``, in one lecture format.

    Parameters
    ----------
    requests
        The run's clips, in the order the scenes were asked for; one deck per
        language, theme and quality among them.
    out_dir
        The render output folder.
    lecture_format
        ``"slides"``, ``"pptx"`` or ``"pdf"``.

    Returns
    -------
    list of Path
        Each deck's ``index.html``, ``.pptx`` or ``.pdf``.

    Raises
    ------
    ValueError
        For an unknown format, or a clip that is not rendered or has no beats.
    """
    if lecture_format not in LECTURE_FORMATS:
        raise ValueError(f"unknown lecture format {lecture_format!r}; choose from: {', '.join(LECTURE_FORMATS)}")
    out_dir = Path(out_dir).resolve()
    decks = collect_decks(requests, out_dir)
    slides_dir = out_dir / SLIDES_FOLDER
    slides_dir.mkdir(exist_ok=True)
    remove_stale_temporaries(slides_dir)
    with reporting_full_disk(slides_dir):
        return [_export_deck(deck, slides_dir, lecture_format) for deck in decks]
