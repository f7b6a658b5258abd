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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    VIDEO_LECTURE_FORMATS,
    expand_formats,
)
from gdanim.run.sweep import SWEEP_FIELDS, split_sweep, sweep_variants
from gdmath import START_RANGE_WIDTHS
from scenes.registry import SCENES

if TYPE_CHECKING:
    from gdanim.run.plan import ClipResult

__all__ = ["cli", "main"]

FROM_PAGES_QUALITY: str = "medium"
"""What --from-pages renders for a page that names no quality and no --quality is given: the first the
shortcode prefers (720p30 fits a book's column)."""

MAX_JOBS_ENV: str = "GDANIM_MAX_JOBS"
"""Environment variable that raises (or lowers) the most local ``--jobs`` processes; unset, the machine's cores."""


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's share), at least 1."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def max_local_jobs() -> int:
    """Most render processes ``--jobs`` starts on this machine: ``$GDANIM_MAX_JOBS`` if a whole number >= 1, else the cores."""
    text = os.environ.get(MAX_JOBS_ENV, "").strip()
    return int(text) if text.isdigit() and int(text) >= 1 else usable_cores()


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
    "deck of their beats in OUT/slides/: slides (HTML to step through), pptx or pdf (a handout); or in OUT/lecture/: "
    "lecture (one video of the scenes, title cards, chapters, subtitles) or script (its recording script, CSV and "
    "Markdown).",
)
@click.option(
    "--narration",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="With --format lecture: the lecturer's recordings, DIR/<scene>/<beat>.(wav|flac|mp3|m4a|ogg); each beat "
    "holds its last frame until its recording ends.",
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
    help="Clips rendered at once, each in its own process; at most the machine's cores (a warning says so) "
    f"unless ${MAX_JOBS_ENV} allows more.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Render even clips whose files are up to date (and build the lecture again).",
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
    help="Also export the clips (with a PNG poster) into this existing Hugo site's static/gdanim/ and "
    "data/gdanim.json, for the {{< gd-clip \"SCENE\" >}} shortcode.",
)
@click.option(
    "--from-pages",
    is_flag=True,
    help="With --hugo-site and no scenes: render and export exactly the clips the site's gd-clip "
    "shortcodes use (their languages, themes, qualities and modes; --quality for pages naming none, "
    "default medium).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="With --from-pages: also remove the exported clips no page uses.",
)
def cli(
    scene_names: tuple[str, ...],
    list_scenes: bool,
    quality: str,
    format_name: str,
    narration: Path | None,
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
    from_pages: bool,
    prune: bool,
) -> None:
    """Render gradient-descent scenes (all of them if none is named) to MP4, GIF or PNG."""
    if list_scenes:
        if scene_names:
            raise click.UsageError(MESSAGES["list_with_scenes"])
        for spec in SCENES.values():
            click.echo(f"{spec.name:<28} {spec.description}")
        return
    context = click.get_current_context()
    if from_pages or prune:
        _check_from_pages(context, scene_names, hugo_site, from_pages)
        assert hugo_site is not None  # checked just above
        _check_hugo_site(hugo_site)
        page_knobs: dict[str, Any] = {"quality": None if context.get_parameter_source("quality") is ParameterSource.DEFAULT else quality,
                 "start": start, "learning_rate": learning_rate, "steps": steps, "test_size": test_size}
        _from_pages(hugo_site, out_dir, page_knobs, prune,
                    lambda requests, kinds: _render(requests, out_dir, kinds, jobs, force, quiet, scheduler, split),
                    lambda requests, kinds: _render(requests, out_dir, kinds, jobs, True, quiet, scheduler, split))
        return
    if watch:
        if len(scene_names) != 1 or hugo_site is not None or sweeps or scheduler is not None:
            raise click.UsageError(MESSAGES["watch_alone"])
        if format_name.lower() in (*LECTURE_FORMATS, *VIDEO_LECTURE_FORMATS):
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
    if hugo_site is not None:
        _check_hugo_site(hugo_site)
    if narration is not None and format_name.lower() != "lecture":
        raise click.UsageError(MESSAGES["narration_needs_lecture"])
    recordings = _find_recordings(narration, requests) if narration is not None else None
    if watch:
        _drop_invalid_manifest_entries(out_dir)
        _watch(requests[0], out_dir, formats, split or 1)
        return
    jobs = _capped_jobs(jobs, scheduler, quiet)
    if hugo_site is not None and "png" not in formats:
        formats = (*formats, "png")  # the poster, also the still frame of a paused or reduced-motion GIF
    _render(requests, out_dir, formats, jobs, force, quiet, scheduler, split)
    if format_name.lower() in LECTURE_FORMATS:
        _export_lecture(requests, out_dir, format_name.lower())
    if format_name.lower() == "lecture":
        _build_lectures(requests, out_dir, recordings, quiet, force)
    if format_name.lower() == "script":
        _write_scripts(requests, out_dir)
    if hugo_site is not None:
        _export(requests, out_dir, hugo_site, lambda again, kinds: _render(again, out_dir, kinds, jobs, True, quiet,
                                                                          scheduler, split))


def _capped_jobs(jobs: int, scheduler: str | None, quiet: bool) -> int:
    """``--jobs``, at most :func:`max_local_jobs` when the processes run on this machine, with one ``warning:`` line.

    A thousand workers on two cores only thrash (and a capped cgroup kills the run);
    a remote Dask scheduler has its own workers and is left alone.
    """
    limit = max_local_jobs()
    if jobs <= limit or (scheduler is not None and scheduler != "local"):
        return jobs
    if not quiet:
        click.echo(MESSAGES["jobs_capped"].format(jobs=jobs, limit=limit, env=MAX_JOBS_ENV), err=True)
    return limit


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
) -> list[ClipResult]:
    """Render (or find up to date) the clips, print their paths; every failure is one line."""
    from gdanim.api import iter_render_clips
    from gdanim.run.progress import progress_bars

    _drop_invalid_manifest_entries(out_dir)
    on_message = None if quiet else lambda line: click.echo(line, err=True)
    try:
        with progress_bars(enabled=not quiet) as on_progress:
            results = iter_render_clips(
                requests, out_dir, formats, jobs, force, on_progress, scheduler, on_message, split
            )
            done = []
            for result in results:
                for path in result.files.values():
                    click.echo(_shown_path(out_dir, path))
                done.append(result)
        return done
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


_FROM_PAGES_CHOICES: tuple[str, ...] = ("language", "theme", "format_name", "sweeps", "watch", "narration")
"""Options --from-pages takes from the pages instead."""


def _check_from_pages(context: click.Context, scene_names: tuple[str, ...], hugo_site: Path | None,
                      from_pages: bool) -> None:
    """Usage errors of --from-pages and --prune: a site, no scene names, nothing the pages choose."""
    if not from_pages:
        raise click.UsageError(MESSAGES["prune_alone"])
    if hugo_site is None:
        raise click.UsageError(MESSAGES["from_pages_site"])
    given = [name for name in _FROM_PAGES_CHOICES if context.get_parameter_source(name) is not ParameterSource.DEFAULT]
    if scene_names or given:
        options = [max(param.opts, key=len) for param in context.command.params if param.name in given]
        raise click.UsageError(MESSAGES["from_pages_alone"].format(given=", ".join([*scene_names, *options])))


def _from_pages(
    hugo_site: Path,
    out_dir: Path,
    knobs: dict[str, Any],
    prune: bool,
    render: Callable[[list[ClipRequest], tuple[str, ...]], list[ClipResult]],
    render_again: Callable[[list[ClipRequest], tuple[str, ...]], object],
) -> None:
    """Render and export what the site's ``gd-clip`` shortcodes use (then prune the rest); say what was done."""
    from gdanim.publish.hugo import prune_site, read_site_data
    from gdanim.publish.pages import chosen_variants, find_clip_uses

    try:
        uses = find_clip_uses(hugo_site)
        wanted: dict[ClipRequest, set[str]] = {}
        for use in uses:
            for theme in use.themes:
                request = ClipRequest.create(use.scene, **(knobs | {
                    "quality": use.quality or knobs["quality"] or FROM_PAGES_QUALITY,
                    "language": use.language, "theme": theme}))
                wanted.setdefault(request, set()).update(use.formats)
    except ValueError as error:  # a bad shortcode (PageError names its page and line), or a knob a scene refuses
        raise click.UsageError(str(error)) from None
    by_formats: dict[tuple[str, ...], list[ClipRequest]] = {}
    for request, kinds in wanted.items():
        by_formats.setdefault(tuple(sorted(kinds)), []).append(request)
    results = [result for kinds, requests in sorted(by_formats.items()) for result in render(requests, kinds)]
    exported = _export(list(wanted), out_dir, hugo_site, render_again) if wanted else []
    pruned: list[str] = []
    if prune:
        try:
            data = read_site_data(hugo_site)
            keep = {variant["id"] for use in uses
                    for variant in chosen_variants(data["clips"].get(use.scene, []), use)}
            pruned = prune_site(hugo_site, keep)
        except (OSError, ValueError) as error:
            raise click.ClickException(MESSAGES["export_failed"].format(site=hugo_site, reason=error)) from None
    for clip_id in pruned:
        click.echo(MESSAGES["pruned"].format(clip=clip_id), err=True)
    rendered = sum(not result.up_to_date for result in results)
    pages = len({use.page for use in uses})
    click.echo(MESSAGES["from_pages_done"].format(
        uses=_count(len(uses), "gd-clip embed"), pages=_count(pages, "page"), clips=_count(len(wanted), "clip"),
        rendered=rendered, up_to_date=len(results) - rendered, exported=_count(len(exported), "file"),
        pruned=_count(len(pruned), "clip")), err=True)


def _count(number: int, noun: str) -> str:
    """``1 page``, ``2 pages``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _check_hugo_site(hugo_site: Path) -> None:
    """A usage error, before anything renders, unless ``--hugo-site`` is an existing Hugo site."""
    from gdanim.publish.hugo import hugo_site_problem

    problem = hugo_site_problem(hugo_site)
    if problem is not None:
        raise click.UsageError(problem)


def _export(
    requests: list[ClipRequest],
    out_dir: Path,
    hugo_site: Path,
    render_again: Callable[[list[ClipRequest], tuple[str, ...]], object],
) -> list[Path]:
    """Export the clips; files the export refuses (changed, damaged, named outside ``--out``) are rendered
    again once with ``render_again(requests, formats)``, then exported, or the run fails in one line."""
    from gdanim.publish.hugo import UnpublishableFiles, export_to_hugo

    clip_ids = [request.clip_id for request in requests]
    try:
        try:
            exported = export_to_hugo(out_dir, hugo_site, clip_ids)
        except UnpublishableFiles as refused:
            kinds = {"vtt": "mp4"}  # the subtitles come with the MP4
            formats = tuple(sorted({kinds.get(kind, kind) for found in refused.problems.values() for kind in found}))
            click.echo(MESSAGES["export_render_again"].format(reason=refused.summary), err=True)
            render_again([request for request in requests if request.clip_id in refused.problems], formats)
            exported = export_to_hugo(out_dir, hugo_site, clip_ids)
    except (OSError, ValueError) as error:
        raise click.ClickException(MESSAGES["export_failed"].format(site=hugo_site, reason=error)) from None
    for path in exported:
        click.echo(path)
    return exported


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


def _find_recordings(narration: Path, requests: list[ClipRequest]) -> Any:
    """The narration folder's recordings, each checked before anything renders (a bad one: exit 2)."""
    from gdanim.lecture.narration import NarrationError, find_recordings

    try:
        return find_recordings(narration, [request.scene for request in requests])
    except NarrationError as error:
        raise click.UsageError(str(error)) from None


def _build_lectures(requests: list[ClipRequest], out_dir: Path, recordings: Any, quiet: bool, force: bool) -> None:
    from gdanim.lecture.narration import NarrationError
    from gdanim.lecture.video import build_lectures

    def warn(line: str) -> None:
        click.echo(line, err=True)

    def building(event: Any) -> None:
        if event.stage == "render" and not quiet:
            click.echo(f"building {event.clip_id}.mp4", err=True)

    try:
        built = build_lectures(requests, out_dir, recordings, on_progress=building, on_message=warn, force=force)
    except NarrationError as error:
        raise click.UsageError(str(error)) from None
    except KeyboardInterrupt:
        raise _Interrupted(MESSAGES["interrupted"]) from None
    except MissingToolError as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # one line, never a traceback; no partial lecture is left
        raise click.ClickException(MESSAGES["lecture_failed"].format(reason=one_line(error))[:300]) from None
    for files, _ in built:
        for path in files.values():
            click.echo(_shown_path(out_dir, path))


def _write_scripts(requests: list[ClipRequest], out_dir: Path) -> None:
    from gdanim.lecture.script import write_scripts

    try:
        written = write_scripts(requests, out_dir)
    except Exception as error:  # one line, never a traceback
        raise click.ClickException(MESSAGES["script_failed"].format(reason=one_line(error))[:300]) from None
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
