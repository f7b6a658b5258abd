"""gdanim's render pipeline: clips of the scenes as MP4, GIF and PNG, skipping unchanged ones.

The public API is :mod:`gdanim.api`; :mod:`gdanim.cli` is its command line
(``gdanim``, ``python -m gdanim``, ``python render.py``). A render goes one
way: requests → :mod:`gdanim.run.plan` → an executor (:mod:`gdanim.run.executor`)
running tasks (:mod:`gdanim.task`, :mod:`gdanim.clip.render`) → the manifest
(:mod:`gdanim.store.manifest`) → the gallery (:mod:`gdanim.publish.gallery`).
The sub-packages, lowest first (each imports only those before it):

- :mod:`gdanim.errors`, :mod:`gdanim.options`, :mod:`gdanim.task`: messages, every user choice, the task interface;
- :mod:`gdanim.store`: the manifest, atomic files, the cache (input hashes, media slots);
- :mod:`gdanim.clip`: one clip: the request, manim, the GIF, the tasks that write its files;
- :mod:`gdanim.publish`: the gallery and the Hugo export (with its shortcode);
- :mod:`gdanim.run`: the plan, the executors (in-process, ``--jobs``, Dask), sweeps, progress bars;
- :mod:`gdanim.api`, :mod:`gdanim.author` (watch mode), :mod:`gdanim.cli`.

This file imports nothing, so ``scenes`` may read :mod:`gdanim.options` without importing the pipeline.
"""

from __future__ import annotations

__all__: list[str] = []
