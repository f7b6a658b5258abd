"""gdanim's error types and the one table of the messages they carry."""

from __future__ import annotations

from typing import Final

from scenes.languages import UNKNOWN_CHOICE

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_RENDER_FAILED",
    "MESSAGES",
    "one_line",
    "ClusterError",
    "MissingToolError",
    "RenderError",
    "TOOL_PACKAGES",
]

EXIT_RENDER_FAILED: Final[int] = 1
"""Exit status of a render that failed (usage errors exit 2, as Click does)."""

EXIT_INTERRUPTED: Final[int] = 130
"""Exit status after Ctrl-C: 128 + SIGINT, as shells report it."""

MESSAGES: Final[dict[str, str]] = {
    "render_failed": "rendering {scene} failed: {reason}",
    "missing_tool": "{tool} is not installed; install the Debian package: apt-get install {package}",
    "interrupted": "interrupted; finished files are kept, unfinished ones were removed",
    "out_problem": "--out {problem}",
    "folder_empty_name": "is empty; name a folder (. for this one)",
    "folder_is_file": "{path} is a file, not a folder",
    "folder_unusable": "cannot be used: {reason}",
    "folder_not_writable": "{path} is not writable",
    "not_finite": "must be a finite number, got {value}",
    "not_positive": "must be > 0, got {value}",
    "list_with_scenes": "--list takes no scene names",
    "watch_alone": "--watch takes exactly one scene and no --hugo-site, --sweep or --scheduler",
    "watch_deck": "--watch previews one clip; --format {format} builds a deck: drop one",
    "sweep_value": "{name}={value}: {reason}",
    "export_failed": "exporting to {site} failed: {reason}",
    "hugo_site_missing": "--hugo-site {site} does not exist; create the site first (hugo new site {site})",
    "hugo_site_not_a_site": "--hugo-site {site} is not a Hugo site: it has no hugo.toml, hugo.yaml, hugo.json "
    "or config.* (hugo new site creates one)",
    "export_outside": "the manifest names {path!r}, which is not a file inside {out_dir}",
    "export_missing": "{path} is missing",
    "export_mismatch": "{path} does not match its manifest record ({size} bytes, recorded {recorded}, or another "
    "SHA-256)",
    "export_undecodable": "{path} cannot be decoded ({reason})",
    "export_refused": "{reasons}; nothing was exported",
    "prune_alone": "--prune works with --from-pages: gdanim --hugo-site SITE --from-pages --prune",
    "from_pages_site": "--from-pages reads a site's pages: give --hugo-site SITE",
    "from_pages_alone": "--from-pages takes the scenes, languages, themes and formats from the pages; drop {given}",
    "from_pages_done": "from the pages: {uses} on {pages} use {clips}; rendered {rendered}, {up_to_date} up to date; "
    "exported {exported}; pruned {pruned}",
    "pruned": "pruned {clip}: no page uses it",
    "export_render_again": "rendering again before the export: {reason}",
    "site_data_unreadable": "{path} is not gdanim's site data: {reason}; move it away to export afresh",
    "entries_dropped": "warning: {manifest}: dropped the {entries} validate ({listed}); {their} rendered again when asked for",
    "no_space": "no space left on device in {folder}; earlier files are kept",
    "jobs_capped": "warning: --jobs {jobs} is more than the {limit} cores here; rendering with {limit} "
    "(set {env}=N to allow more)",
    "steps_range": "steps must be between 1 and {cap}, got {steps}",
    "start_range": "start must be within [{low:g}, {high:g}], the curve's plot range widened by its width "
    "on each side (farther starts squash the valley flat), got {start!r}",
    "start_plot_range": "start must be within [{low:g}, {high:g}] for {scene}, its curve's plot range "
    "(a start outside it is off screen), got {start!r}",
    "fixed_knobs": "{scene} shows the book's program as printed (start {start:g}, learning rate {learning_rate:g}, "
    "{steps} steps); it takes no --start, --learning-rate or --steps",
    "unsafe_path": "refusing to write {path}: it is outside {out_dir}",
    "worker_died": "its render process died (killed, or out of memory)",
    "bad_sweep": "{text!r} is not NAME=V1,V2,...; NAME is one of: {names}",
    "sweep_repeats_name": "--sweep {name} is given twice; list all its values in one",
    "sweep_repeats_value": "--sweep {name} lists {value} twice",
    "sweep_conflict": "--sweep {name}=... and --{name} both set {name}; give one",
    "bad_scheduler": "{address!r} is neither 'local' nor a scheduler address like tcp://host:8786",
    "scheduler_unreachable": "cannot reach the Dask scheduler at {address}: {reason}",
    "scheduler_no_workers": "the Dask scheduler at {address} has no workers (waited {seconds} s)",
    "worker_mismatch": "Dask worker {worker} differs from this checkout: {difference}",
    "arrived_damaged": "its {ext} arrived damaged",
    "task_lost": "its task was {status} on the cluster",
    "sent_none": "sent 0 of {count} clips to {address}: all are up to date",
    "sent_some": "sent {sent} of {count} clips to {address}",
    "dashboard": "Dask dashboard: {link}",
    "jobs_range": "jobs must be at least 1, got {jobs}",
    "manifest_unreadable": "{path} is not a gdanim manifest: {reason}; move it away to render into this folder afresh",
    "manifest_lost_clip": "{clip} is missing from the manifest just written",
    "unknown_choice": UNKNOWN_CHOICE,
    "not_in_manifest": "not in {manifest}: {clips}",
    "no_format": "no format given; choose from: {choices}",
    "bad_test_size": "the test size must look like 160x90 or 160x90@5, got {size!r}",
    "no_beats": "{clip} has no beats or no MP4 in {out_dir}; render it again with --force",
    "not_rendered": "{clip} is not in {out_dir}; render it first",
    "deck_failed": "building the {format} deck failed: {reason}",
    "tool_failed": "{tool} failed: {detail}",
    "tool_unfinished": "{tool} left {name} unfinished",
    "manifest_version": "its version is {version!r}, this gdanim reads version {expected}",
    "manifest_no_clips": "it has no list of clips",
    "manifest_not_json": "not JSON ({error})",
    "other_code": "its scenes/, gdmath/ and render code hash to {theirs}, here to {ours}; run the same commit there",
    "other_tool": "it has {tool} {theirs!r}, here {ours!r}; install the same version there",
    "worker_broken": "it cannot run gdanim.run.cluster ({error}); run the same commit there",
    "recording_misplaced": "{path}: a recording is <scene>/<beat>.({extensions}) in the narration folder",
    "recording_unknown": "{path} names no beat of the lecture: no {what} (the lecture has: {known})",
    "recording_twice": "{path}: its beat already has a recording, {other}",
    "recording_undecodable": "{path} cannot be decoded: {reason}",
    "recordings_missing": "warning: {count} of {total} beats have no recording and stay silent: {listed}",
    "narration_needs_lecture": "--narration goes with --format lecture",
    "lecture_failed": "building the lecture failed: {reason}",
    "script_failed": "writing the recording script failed: {reason}",
    "odd_test_size": "the test size needs even sizes for H.264, got {size!r}",
}
"""Every user-facing error message, with ``str.format`` fields."""


TOOL_PACKAGES: Final[dict[str, str]] = {
    "ffmpeg": "ffmpeg",
    "gifsicle": "gifsicle",
}
"""The Debian package(s) that install each external program gdanim runs."""


def one_line(error: BaseException) -> str:
    """An exception's words on one line, or its type's name when it has none.

    Examples
    --------
    >>> one_line(ValueError("bad\\n  value"))
    'bad value'
    >>> one_line(KeyError())
    'KeyError'
    """
    return " ".join(str(error).split()) or type(error).__name__


class RenderError(RuntimeError):
    """A clip could not be rendered; the message names the scene and the reason.

    Parameters
    ----------
    scene
        CLI name of the scene.
    reason
        One line saying what went wrong.
    """

    def __init__(self, scene: str, reason: str) -> None:
        self.scene = scene
        self.reason = reason
        super().__init__(MESSAGES["render_failed"].format(scene=scene, reason=reason))

    def __reduce__(self) -> tuple[type[RenderError], tuple[str, str]]:
        # Rebuilt from its fields when it travels back from a Dask worker.
        return type(self), (self.scene, self.reason)


class MissingToolError(RuntimeError):
    """An external program gdanim needs is not on ``PATH``.

    Parameters
    ----------
    tool
        The program, e.g. ``"gifsicle"``.
    """

    def __init__(self, tool: str) -> None:
        self.tool = tool
        package = TOOL_PACKAGES.get(tool, tool)
        super().__init__(MESSAGES["missing_tool"].format(tool=tool, package=package))

    def __reduce__(self) -> tuple[type[MissingToolError], tuple[str]]:
        return type(self), (self.tool,)


class ClusterError(RuntimeError):
    """A Dask cluster cannot render for us: no workers, or a worker with other code or tools.

    Its message is one line, fit for the user; the CLI exits 1.
    """
