"""gdanim's render pipeline: clips of the scenes as MP4, GIF and PNG, skipping unchanged ones.

The public API is in :mod:`gdanim.clip.render`; ``render.py`` is its command line.
Where each thing lives:

- :mod:`gdanim.options`: the quality presets (``QUALITIES``) and their aliases;
- :mod:`gdanim.clip.request`: ``ClipRequest`` (one clip), languages, themes, formats, file names;
- :mod:`gdanim.clip.render`: ``render_clip``, ``render_clips``, ``check_clip``;
- :mod:`gdanim.clip.scene_render`: the only module that imports manim;
- :mod:`gdanim.clip.gif`: GIF settings and the ffmpeg + gifsicle recipe;
- :mod:`bench.gif_quality`: SSIM and colour survival of a GIF;
- :mod:`gdanim.store.manifest`: ``OUT/manifest.json``, its schema and its lock;
- :mod:`gdanim.store.cache`: the cache folder, input hashes, tool versions, media slots;
- :mod:`gdanim.run.processes`: ``--jobs`` in separate processes;
- :mod:`gdanim.run.sweep`: ``--sweep``, the product of a few knobs' values (no Dask);
- :mod:`gdanim.run.cluster`: ``--scheduler``, one clip per task on a Dask cluster (its settings in ``dask.yaml``);
- :mod:`gdanim.store.files`: atomic writes and temporary-file hygiene;
- :mod:`gdanim.errors`: error types, exit statuses and every error message;
- :mod:`gdanim.run.progress`: progress bars on stderr.
"""

from __future__ import annotations

__all__: list[str] = []
