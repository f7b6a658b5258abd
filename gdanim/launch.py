"""The ``gdanim`` command's entry point: the CLI, or one line when a scene's declaration is broken.

Importing :mod:`gdanim.cli` reads every scene's declaration (:mod:`scenes.registry`);
a broken one (a scene without ``spec``, a missing field, two scenes with one name)
stops that import before Click runs. Whoever just edited a scene then gets the
registry's one line, naming the file, line and problem, and exit status 1,
not a traceback.
"""

from __future__ import annotations

import sys

from gdanim.errors import EXIT_RENDER_FAILED
from scenes.declaration_error import SceneDeclarationError

__all__ = ["main"]


def main() -> None:
    """Run ``gdanim`` (``python render.py``, ``python -m gdanim``, the console script)."""
    try:
        from gdanim.cli import main as run_cli
    except SceneDeclarationError as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(EXIT_RENDER_FAILED)
    run_cli()
