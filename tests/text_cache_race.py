"""One of many processes that typeset the same texts into gdanim's shared cache at once (``python -m``).

Run as ``python -m tests.text_cache_race ROUNDS TEXT...`` with ``GDANIM_CACHE_DIR``
set. Each round takes a media slot (:func:`gdanim.store.cache.media_slot`), builds
every text as a ``MarkupText`` there, and publishes the slot
(:func:`gdanim.store.cache.prune_slot`), as a render does. Manim's in-process SVG
cache is cleared each round, so every round parses the files again, as a new
render process would.
"""

from __future__ import annotations

import sys

from manim import MarkupText, tempconfig
from manim.mobject.svg import svg_mobject

from gdanim.store.cache import media_slot, prune_slot


def main(rounds: int, texts: list[str]) -> None:
    for _ in range(rounds):
        with media_slot() as folder, tempconfig({"media_dir": str(folder), "text_dir": str(folder / "texts")}):
            for text in texts:
                MarkupText(text)
            prune_slot(folder)
        svg_mobject.SVG_HASH_TO_MOB_MAP.clear()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
