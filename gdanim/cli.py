"""``gdanim`` (also ``python -m gdanim`` and ``python render.py``): a thin Click layer over :mod:`gdanim.api`.

It renders gdanim's scenes to MP4, GIF and PNG.

stdout carries only the paths of the files written (or already up to date),
one per line; progress and messages go to stderr. Exit status: 0 done,
1 a render failed or a tool is missing (or a Dask worker differs from this
checkout), 2 bad usage (an unreachable ``--scheduler`` too), 130 interrupted.

Environment: ``GDANIM_CACHE_DIR`` moves manim's media folders and gdanim's
caches (see :func:`gdanim.store.cache.get_cache_dir`). The test suite passes
the hidden option ``--test-size 160x90@5`` to render tiny clips
(:func:`gdanim.options.get_preset`).
"""

from __future__ import annotations

import atexit
import math
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from gdanim.clip.request import ClipRequest
from gdanim.errors import EXIT_INTERRUPTED, MESSAGES, ClusterError, MissingToolError, RenderError, one_line
from gdanim.options import (
    DEFAULT_FORMAT,
    DEFAULT_LANGUAGE,
    DEFAULT_QUALITY,
    DEFAULT_THEME,
    FORMATS,
    LANGUAGES,
    LECTURE_FORMATS,
    MAX_RENDER_STEPS,
    QUALITIES,
    QUALITY_ALIASES,
    THEME_NAMES,
    expand_formats,
)
from gdanim.run.sweep import SWEEP_FIELDS, split_sweep, sweep_variants
from gdmath import START_RANGE_WIDTHS
from scenes.registry import SCENES

__all__ = ["cli", "main"]

DEFAULT_JOBS: int = os.cpu_count() or 1
"""One render process per core."""

START_RANGES: str = ", ".join(
    f"[{low:g}, {high:g}]" for low, high in dict.fromkeys(spec.start_range for spec in SCENES.values()
                                                          if spec.start_widths == START_RANGE_WIDTHS)
)
"""The ``--start`` values the scenes on a widened plot range accept (one range while they all descend the book's curve)."""

PLOT_START_RANGES: str = "; ".join(
    f"{spec.name}: within its plot range [{spec.start_range[0]:g}, {spec.start_range[1]:g}]"
    for spec in SCENES.values() if spec.start_widths != START_RANGE_WIDTHS
)
"""The scenes whose starts must stay inside their curve's plot range."""

WATCH_QUALITY: str = "low"
"""``--watch`` previews at 480p15 unless ``--quality`` says otherwise: seconds, not minutes."""

WATCH_FORMAT: str = "mp4"
"""``--watch`` writes an MP4 preview unless ``--format`` says otherwise (``png`` for a poster)."""


class _OneLineErrorCommand(click.Command):
    """A command whose every failure is one line on stderr and an exit status: 2 usage, 1 render, 130 Ctrl-C."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            click.echo(f"Error: {' '.join(error.format_message().split())}", err=True)
            sys.exit(error.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo(f"Error: {MESSAGES['interrupted']}", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader of stdout went away (``| head -1``); say nothing more, as Click does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class _Interrupted(click.ClickException):
    exit_code = EXIT_INTERRUPTED


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(MESSAGES["not_finite"].format(value=value))
    if value is not None and param.name == "learning_rate" and value <= 0:
        raise click.BadParameter(MESSAGES["not_positive"].format(value=value))
    return value


def _out_dir(ctx: click.Context, param: click.Parameter, text: str) -> Path:
    from gdanim.run.plan import out_dir_problem

    problem = out_dir_problem(text)
    if problem is not None:
        raise click.BadParameter(problem)
    return Path(text)


def _scheduler_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from gdanim.run.cluster import check_scheduler_address

    try:
        return check_scheduler_address(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command(cls=_OneLineErrorCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument(
    "scene_names",
    metavar="[SCENE]...",
    nargs=-1,
    type=click.Choice(list(SCENES), case_sensitive=False),
)
@click.option(
    "--list",
    "list_scenes",
    is_flag=True,
    help="List the scenes with a one-line description and exit.",
)
@click.option(
    "-q",
    "--quality",
    type=click.Choice([*QUALITIES, *QUALITY_ALIASES], case_sensitive=False),
    default=DEFAULT_QUALITY,
    show_default=True,
    help="manim preset: low 480p15, medium 720p30, high 1080p60, production 1440p60, 4k 2160p60 (or l m h p k).",
)
@click.option(
    "-f",
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS), case_sensitive=False),
    default=DEFAULT_FORMAT,
    show_default=True,
    help="Files to write: mp4, gif, both, or png (a poster of the last frame); or, for a lecture, the MP4s and a "
    "deck of their beats in OUT/slides/: slides (HTML to step through), pptx or pdf (a handout).",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(),
    default="out",
    show_default=True,
    callback=_out_dir,
    help="Output folder; clips go to OUT/<scene>/ and OUT/manifest.json lists them.",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES, case_sensitive=False),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Caption language.",
)
@click.option(
    "--theme",
    type=click.Choice(THEME_NAMES, case_sensitive=False),
    default=DEFAULT_THEME,
    show_default=True,
    help="Colour theme: light for the book's pages, dark for slides.",
)
@click.option(
    "--learning-rate",
    type=float,
    default=None,
    show_default="the scene's own",
    callback=_finite,
    help="Learning rate, finite and > 0.",
)
@click.option(
    "--start",
    type=float,
    default=None,
    show_default="the scene's own",
    callback=_finite,
    help=f"Starting position x, within {START_RANGES}: the error curve's plot range widened by its "
    f"width on each side ({PLOT_START_RANGES}).",
)
@click.option(
    "--steps",
    type=click.IntRange(1, MAX_RENDER_STEPS),
    default=None,
    show_default="the scene's own",
    help=f"Descent steps, 1 to {MAX_RENDER_STEPS}.",
)
@click.option(
    "--sweep",
    "sweeps",
    multiple=True,
    metavar="NAME=V1,V2,...",
    help=f"Render every value of a knob ({', '.join(SWEEP_FIELDS)}); several --sweep render their product. "
    "Each value is checked like the single option.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    callback=_scheduler_address,
    help="Render each clip as a task on the Dask scheduler at ADDRESS (tcp://host:8786), or on a local "
    "Dask cluster of --jobs workers with 'local'.",
)
@click.option(
    "--split",
    type=click.IntRange(min=1),
    default=None,
    help="Cut each clip into N pieces of its animations, rendered side by side and joined without "
    "re-encoding (1: never). Default: split only when fewer clips than --jobs are rendered.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=DEFAULT_JOBS,
    show_default=True,
    help="Clips rendered at once, each in its own process.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Render even clips whose files are up to date.",
)
@click.option(
    "--quiet",
    is_flag=True,
    help="No progress bars.",
)
@click.option(
    "--watch",
    is_flag=True,
    help=f"Render one scene ({WATCH_QUALITY} {WATCH_FORMAT} unless --quality/--format say otherwise; "
    "--format png for a poster), then again each time a file under scenes/ or gdmath/ is saved. Ctrl-C stops.",
)
@click.option(
    "--test-size",
    hidden=True,
    default=None,
    metavar="WxH[@FPS]",
    help="Tests only: render at this tiny size instead of the quality's.",
)
@click.option(
    "--hugo-site",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also export the clips (with a PNG poster) into this Hugo site's static/gdanim/ and "
    "data/gdanim.json, for the {{< gd-clip \"SCENE\" >}} shortcode.",
)
def cli(
    scene_names: tuple[str, ...],
    list_scenes: bool,
    quality: str,
    format_name: str,
    out_dir: Path,
    language: str,
    theme: str,
    learning_rate: float | None,
    start: float | None,
    steps: int | None,
    sweeps: tuple[str, ...],
    scheduler: str | None,
    split: int | None,
    jobs: int,
    force: bool,
    quiet: bool,
    watch: bool,
    test_size: str | None,
    hugo_site: Path | None,
) -> None:
    """Render gradient-descent scenes (all of them if none is named) to MP4, GIF or PNG."""
    if list_scenes:
        if scene_names:
            raise click.UsageError(MESSAGES["list_with_scenes"])
        for spec in SCENES.values():
            click.echo(f"{spec.name:<28} {spec.description}")
        return
    context = click.get_current_context()
    if watch:
        if len(scene_names) != 1 or hugo_site is not None or sweeps or scheduler is not None:
            raise click.UsageError(MESSAGES["watch_alone"])
        if format_name.lower() in LECTURE_FORMATS:
            raise click.UsageError(MESSAGES["watch_deck"].format(format=format_name.lower()))
        if context.get_parameter_source("quality") is ParameterSource.DEFAULT:
            quality = WATCH_QUALITY
        if context.get_parameter_source("format_name") is ParameterSource.DEFAULT:
            format_name = WATCH_FORMAT
    knobs: dict[str, Any] = {"quality": quality, "language": language, "theme": theme, "start": start,
             "learning_rate": learning_rate, "steps": steps, "test_size": test_size}
    try:
        variants = sweep_variants([_sweep_values(context, text) for text in sweeps])
        requests = [
            ClipRequest.create(name.lower(), **(knobs | variant))
            for name in (scene_names or tuple(SCENES))
            for variant in variants
        ]
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    formats = expand_formats(format_name)
    if watch:
        _drop_invalid_manifest_entries(out_dir)
        _watch(requests[0], out_dir, formats, split or 1)
        return
    if hugo_site is not None and "png" not in formats:
        formats = (*formats, "png")  # the poster, also the still frame of a paused or reduced-motion GIF
    _render(requests, out_dir, formats, jobs, force, quiet, scheduler, split)
    if format_name.lower() in LECTURE_FORMATS:
        _export_lecture(requests, out_dir, format_name.lower())
    if hugo_site is not None:
        _export(requests, out_dir, hugo_site)


def _sweep_values(context: click.Context, text: str) -> tuple[str, tuple[object, ...]]:
    """``NAME=V1,V2`` with each value converted and checked by the ``--NAME`` option itself."""
    try:
        name, texts = split_sweep(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--sweep'") from None
    option = next(param for param in context.command.params if f"--{name}" in param.opts)
    if context.get_parameter_source(option.name) is not ParameterSource.DEFAULT:
        raise click.UsageError(MESSAGES["sweep_conflict"].format(name=name))
    values = []
    for value in texts:
        try:
            values.append(option.process_value(context, value))
        except click.BadParameter as error:
            raise click.BadParameter(MESSAGES["sweep_value"].format(name=name, value=value, reason=error.message),
                                     param_hint="'--sweep'") from None
    return name, tuple(values)


def _shown_path(out_dir: Path, path: Path) -> Path:
    """A written file's path as the user would spell it: under ``--out`` as given."""
    return out_dir / path.relative_to(out_dir.resolve())


def _render(
    requests: list[ClipRequest],
    out_dir: Path,
    formats: tuple[str, ...],
    jobs: int,
    force: bool,
    quiet: bool,
    scheduler: str | None,
    split: int | None = None,
) -> None:
    from gdanim.api import iter_render_clips
    from gdanim.run.progress import progress_bars

    _drop_invalid_manifest_entries(out_dir)
    on_message = None if quiet else lambda line: click.echo(line, err=True)
    try:
        with progress_bars(enabled=not quiet) as on_progress:
            results = iter_render_clips(
                requests, out_dir, formats, jobs, force, on_progress, scheduler, on_message, split
            )
            for result in results:
                for path in result.files.values():
                    click.echo(_shown_path(out_dir, path))
    except (RenderError, MissingToolError, ClusterError) as error:
        raise click.ClickException(str(error)) from None
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except KeyboardInterrupt:
        raise _Interrupted(MESSAGES["interrupted"]) from None


def _drop_invalid_manifest_entries(out_dir: Path) -> None:
    """Say in one line which entries of ``--out``'s manifest do not validate; they are dropped and re-rendered."""
    from gdanim.publish.gallery import write_gallery
    from gdanim.store.manifest import MANIFEST_NAME, drop_invalid_clips

    try:
        problems = drop_invalid_clips(out_dir, then=write_gallery)
    except OSError:
        return  # every reader leaves them out anyway; the render reports an unwritable folder itself
    except ValueError as error:  # a manifest that cannot be read at all
        raise click.UsageError(str(error)) from None
    if problems:
        entries = "entry that does not" if len(problems) == 1 else f"{len(problems)} entries that do not"
        listed = " ".join("; ".join(problems).split())
        listed = listed if len(listed) <= 300 else listed[:299] + "…"
        their = "its clip is" if len(problems) == 1 else "their clips are"
        click.echo(MESSAGES["entries_dropped"].format(manifest=out_dir / MANIFEST_NAME, entries=entries, listed=listed,
                                                      their=their), err=True)


def _watch(request: ClipRequest, out_dir: Path, formats: tuple[str, ...], processes: int = 1) -> None:
    from gdanim.author.watch import watch_clip

    def show(paths: Any) -> None:
        for path in paths:
            click.echo(_shown_path(out_dir, path))

    def report(line: str) -> None:
        click.echo(f"error: {line}", err=True)

    click.echo(f"watching scenes/ and gdmath/ to re-render {request.clip_id}; Ctrl-C stops", err=True)
    try:
        watch_clip(request, out_dir, formats, on_paths=show, on_error=report, processes=processes)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def _export(requests: list[ClipRequest], out_dir: Path, hugo_site: Path) -> None:
    from gdanim.publish.hugo import export_to_hugo

    try:
        exported = export_to_hugo(out_dir, hugo_site, [request.clip_id for request in requests])
    except (OSError, ValueError) as error:
        raise click.ClickException(MESSAGES["export_failed"].format(site=hugo_site, reason=error)) from None
    for path in exported:
        click.echo(path)


def _export_lecture(requests: list[ClipRequest], out_dir: Path, lecture_format: str) -> None:
    from gdanim.lecture.export import export_lecture

    try:
        written = export_lecture(requests, out_dir, lecture_format)
    except KeyboardInterrupt:
        raise _Interrupted(MESSAGES["interrupted"]) from None
    except Exception as error:  # one line, never a traceback; the export left no partial deck
        raise click.ClickException(MESSAGES["deck_failed"].format(format=lecture_format, reason=one_line(error))[:300]) from None
    for path in written:
        click.echo(_shown_path(out_dir, path))


def main() -> None:
    """Entry point of ``python render.py`` and the ``gdanim`` console script."""
    try:
        cli.main(prog_name="gdanim")
    except SystemExit as done:
        _exit_without_teardown(done.code)


EXIT_GRACE_SECONDS: float = 5.0
"""How long the process waits for its other threads before it leaves (a stuck encoder thread must not hang it)."""


def _exit_without_teardown(code: Any) -> None:
    """Leave the process once the command is done, without Python freeing every object one by one.

    After a render the interpreter spends about 0.15 s tearing down manim's
    modules and mobjects (measured on rolling-descent at 480p15: 2.16 s against
    2.02 s in all), 7% of a preview. Every file is already written and
    renamed into place; the exit handlers still run and the output streams are
    flushed. Other threads get :data:`EXIT_GRACE_SECONDS` to finish, as Python
    would wait for them without end: a manim encoder thread left waiting for
    frames after a Ctrl-C must not keep the process alive. Under a profiler
    or debugger (which write their results after the program returns),
    Python exits the usual way.
    """
    if sys.getprofile() is not None or sys.gettrace() is not None:
        raise SystemExit(code)
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    atexit._run_exitfuncs()  # what Python runs at exit: logging, multiprocessing and Dask clean-up
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, or a stream already closed
            pass
    if code is None or isinstance(code, int):
        os._exit(code or 0)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
