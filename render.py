"""``python render.py …`` from a checkout: the same command as ``gdanim`` and ``python -m gdanim`` (see :mod:`gdanim.cli`)."""

from typing import Any

from gdanim.launch import main

__all__ = ["cli", "main"]  # noqa: F822  (cli: see __getattr__)


def __getattr__(name: str) -> Any:
    # `from render import cli` (the tests' CliRunner) imports the CLI, and with it every scene's declaration, only then.
    if name == "cli":
        from gdanim.cli import cli

        return cli
    raise AttributeError(f"module 'render' has no attribute {name!r}")


if __name__ == "__main__":
    main()
