"""``python render.py …`` from a checkout: the same command as ``gdanim`` and ``python -m gdanim`` (see :mod:`gdanim.cli`)."""

from gdanim.cli import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":
    main()
