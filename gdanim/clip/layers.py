"""Draw only what moves: a Cairo renderer that keeps every still mobject as a ready-made layer.

Manim keeps one still picture per ``play``: the mobjects drawn *before* the
first one that moves. Everything after it in the draw order is drawn again on
every frame, still or not. In gdanim's scenes the ball (an updater) and the
step's labels sit on top (``z_index``), so most of the plot, the captions and
the panels were redrawn for every frame: about 60 vector shapes a frame where
two or three move.

:class:`LayeredRenderer` splits the draw order of a play into runs of still
and moving mobjects. The still runs are drawn once: the first onto the
background (manim's own still picture, built on an earlier play's when it
starts the same), each later one onto a transparent layer cropped to its ink.
A frame is that picture, then the moving runs drawn as manim draws them, with
the layers composited in between by Cairo, so the order of drawing stays the
same.

Exactness. Before each frame the still mobjects are checked: a still run whose
members or their points, colours or widths changed since the play began (an
updater that moves some other mobject) is drawn directly from then on, so no
frame shows a stale layer. Compositing a layer gives the same picture as
drawing its shapes directly, up to rounding of 8-bit premultiplied colour at
anti-aliased edges, once per overlapping translucent shape (1 level at 480p,
3 at most at 160x90; ``tests/render/test_layers.py``). Scenes with mobjects that are not vector
shapes (images, point clouds) are drawn the plain manim way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import cairo
import numpy as np
from manim import Mobject, Scene, VMobject
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.family import extract_mobject_family_members
from manim.utils.iterables import list_update

__all__ = ["LayeredRenderer"]

_KEPT_BASES: Final[int] = 2
"""Still pictures of the last plays kept to build the next one on..."""
_KEPT_BASES_BYTES: Final[int] = 64 * 2**20
"""...as far as they fit in this much memory, but always the last one (a 4k picture is 33 MB)."""


def _fingerprint(mobject: VMobject) -> int:
    """A hash of everything of a vector mobject that changes how it is drawn."""
    return hash(
        (
            mobject.points.tobytes(),
            mobject.fill_rgbas.tobytes(),
            mobject.stroke_rgbas.tobytes(),
            mobject.background_stroke_rgbas.tobytes(),
            float(mobject.stroke_width),
            float(mobject.background_stroke_width),
            mobject.sheen_factor,
            tuple(np.ravel(mobject.sheen_direction)),
            str(mobject.joint_type),
            str(getattr(mobject, "cap_style", "")),
            bool(getattr(mobject, "shade_in_3d", False)),
            mobject.z_index,
            len(mobject.submobjects),
        )
    )


def _drawn_state(members: list[Any]) -> tuple[Any, ...]:
    """What the frame check compares, for all still mobjects at once: their points, colours and widths.

    A few NumPy concatenations instead of a hash per mobject: the check runs
    before every frame, and one hash per still mobject cost more than the
    drawing it saved.
    """
    if not members:
        return ()
    return (
        np.concatenate([m.points for m in members]),
        np.concatenate([m.fill_rgbas for m in members]),
        np.concatenate([m.stroke_rgbas for m in members]),
        np.concatenate([m.background_stroke_rgbas for m in members]),
        [(m.stroke_width, m.background_stroke_width, m.sheen_factor, m.z_index, len(m.submobjects),
          len(m.points), len(m.fill_rgbas), len(m.stroke_rgbas), len(m.background_stroke_rgbas)) for m in members],
    )


def _same_state(first: tuple[Any, ...], second: tuple[Any, ...]) -> bool:
    """Whether two :func:`_drawn_state` results are equal (a NaN never is: those mobjects are then drawn directly)."""
    if not first or not second:
        return not first and not second
    *arrays, scalars = first
    *other_arrays, other_scalars = second
    return scalars == other_scalars and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(arrays, other_arrays)
    )


def _watch(plan: _Plan, mobjects: list[Any]) -> None:
    """Make ``mobjects`` the still ones the plan's layers are trusted for, with their state now."""
    plan.watched = mobjects
    plan.watched_ids = set(map(id, mobjects))
    plan.state = _drawn_state(mobjects)


@dataclass
class _Layer:
    """A run of still mobjects drawn once onto a transparent picture (``None`` when they leave no ink)."""

    members: tuple[int, ...]
    pixels: np.ndarray | None
    surface: cairo.ImageSurface | None
    origin: tuple[int, int]
    """Where the picture's top-left pixel goes in the frame (x, y)."""


@dataclass
class _Plan:
    """How one play's frames are put together."""

    still: dict[int, tuple[Any, int]] = field(default_factory=dict)
    """id → (mobject, fingerprint) of every still mobject at the start of the play."""
    base: tuple[int, ...] = ()
    """The still run under everything, kept as manim's background picture."""
    layers: dict[tuple[int, ...], _Layer] = field(default_factory=dict)
    watched: list[Any] = field(default_factory=list)
    """The still mobjects the frame check compares (those not yet found changed); the others are drawn directly."""
    watched_ids: set[int] = field(default_factory=set)
    state: tuple[Any, ...] = ()
    """Their :func:`_drawn_state` when the play began."""


class LayeredRenderer(CairoRenderer):
    """Manim's Cairo renderer, drawing each frame's still mobjects from layers made once per play."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan: _Plan | None = None
        self._target: tuple[np.ndarray, cairo.Context] | None = None
        self._kinds: dict[type, type] = {}
        self._last_bases: list[tuple[tuple[int, ...], tuple[int, ...], np.ndarray]] = []

    # --- what is drawn, in order -------------------------------------------------------------------------------

    def _draw_order(self, scene: Scene) -> list[Any]:
        """Every mobject manim draws, in its order (z-index, then family order); a ValueTracker is not drawn."""
        members = extract_mobject_family_members(
            list_update(scene.mobjects, scene.foreground_mobjects),
            use_z_index=self.camera.use_z_index,
            only_those_with_points=True,
        )
        return [member for member in members if self._drawn_kind(member) is not Mobject]

    def _drawn_kind(self, mobject: Any) -> type:
        """Which of the camera's drawing functions draws ``mobject`` (``Mobject``: none), cached per class."""
        kind = self._kinds.get(type(mobject))
        if kind is None:
            kind = self._kinds[type(mobject)] = self.camera.type_or_raise(mobject)
        return kind

    @staticmethod
    def _moving_ids(scene: Scene) -> set[int]:
        """ids of mobjects a play may change: the animations' families, updaters' families, the foreground."""
        from manim.animation.composition import AnimationGroup

        moving: set[int] = set()

        def add_animations(animations: Any) -> None:
            for animation in animations:
                moving.update(map(id, animation.mobject.get_family()))
                if isinstance(animation, AnimationGroup):
                    add_animations(animation.animations)

        add_animations(scene.animations or ())
        for mobject in extract_mobject_family_members(list_update(scene.mobjects, scene.foreground_mobjects)):
            if mobject.updaters or mobject in scene.foreground_mobjects:
                moving.update(map(id, mobject.get_family()))
        return moving

    def _layer(self, members: list[Any]) -> _Layer:
        """Draw ``members`` once onto a transparent picture, cropped to where they left any ink.

        The camera's own picture is the canvas: the still picture under
        everything is drawn over it right after. A layer is usually a caption
        or a table, a small part of the frame: the crop keeps a 4k layer to a
        few megabytes and composites only those pixels.
        """
        camera = self.camera
        canvas = camera.pixel_array
        canvas.fill(0)
        camera.capture_mobjects(members, include_submobjects=False)
        alpha = canvas[..., 3]
        rows, columns = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
        keys = tuple(map(id, members))
        if not len(rows):
            return _Layer(keys, None, None, (0, 0))
        top, left = int(rows[0]), int(columns[0])
        pixels = np.ascontiguousarray(canvas[top : rows[-1] + 1, left : columns[-1] + 1])
        height, width = pixels.shape[:2]
        surface = cairo.ImageSurface.create_for_data(pixels.data, cairo.FORMAT_ARGB32, width, height)
        return _Layer(keys, pixels, surface, (left, top))

    def save_static_frame_data(self, scene: Scene, static_mobjects: Any) -> np.ndarray | None:
        self._plan = None
        order = self._draw_order(scene)
        if self.skip_animations or not all(isinstance(mobject, VMobject) for mobject in order):
            return super().save_static_frame_data(scene, static_mobjects)
        moving = self._moving_ids(scene)
        plan = _Plan()
        plan.still = {id(m): (m, _fingerprint(m)) for m in order if id(m) not in moving}
        _watch(plan, [mobject for mobject, _ in plan.still.values()])
        runs = _runs(order, set(plan.still))
        base = runs.pop(0)[1] if runs and not runs[0][0] else []
        plan.base = tuple(map(id, base))
        for is_moving, members in runs:
            if not is_moving:
                layer = self._layer(members)
                plan.layers[layer.members] = layer
        self.static_image = self._base_image(base, plan) if base else None
        self._plan = plan
        return self.static_image

    def _base_image(self, base: list[Any], plan: _Plan) -> np.ndarray:
        """The still run under everything, drawn on the background; built on an earlier play's when it starts the same.

        A play usually adds a few mobjects over the still picture of one of the
        last plays (a step's plays alternate between two): those alone are
        drawn over a copy of it, the very drawing operations a full redraw
        would make, so the pixels are the same.
        """
        camera = self.camera
        prints = tuple(plan.still[key][1] for key in plan.base)
        reused, start = 0, None
        for keys, last_prints, image in self._last_bases:
            if len(keys) > reused and plan.base[: len(keys)] == keys and prints[: len(keys)] == last_prints:
                reused, start = len(keys), image
        if start is not None:
            camera.set_frame_to_background(start)
        else:
            camera.reset()
        camera.capture_mobjects(base[reused:], include_submobjects=False)
        image = self.get_frame()
        kept = min(_KEPT_BASES, max(1, _KEPT_BASES_BYTES // image.nbytes))
        self._last_bases = [(plan.base, prints, image), *self._last_bases][:kept]
        return image

    # --- a frame ---------------------------------------------------------------------------------------------------

    def update_frame(self, scene: Scene, mobjects: Any = None, include_submobjects: bool = True,
                     ignore_skipping: bool = True, **kwargs: Any) -> None:
        plan = self._plan
        # An empty list draws the whole scene again over the background, as manim does (a frozen frame).
        if plan is None or not mobjects or mobjects is not scene.moving_mobjects or kwargs:
            super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)
            return
        if self.skip_animations and not ignore_skipping:
            return
        self._draw_layered(scene, plan)

    @staticmethod
    def _check_still(plan: _Plan) -> None:
        """Stop trusting the layers of still mobjects that no longer look as they did when the layers were drawn.

        All are compared at once; only when something differs is each one
        compared on its own, and the changed ones leave the watched set.
        """
        if _same_state(_drawn_state(plan.watched), plan.state):
            return
        changed = {id(m) for m in plan.watched if _fingerprint(m) != plan.still[id(m)][1]}
        if not changed:  # never expected (the fingerprint sees all the state does); draw all directly, to be safe
            changed = set(plan.watched_ids)
        _watch(plan, [m for m in plan.watched if id(m) not in changed])

    def _draw_layered(self, scene: Scene, plan: _Plan) -> None:
        self._check_still(plan)
        camera = self.camera
        runs = _runs(self._draw_order(scene), plan.watched_ids)
        if runs and not runs[0][0] and plan.base and tuple(map(id, runs[0][1])) == plan.base and self.static_image is not None:
            runs.pop(0)
            camera.set_frame_to_background(self.static_image)
        else:
            camera.reset()
        for is_moving, members in runs:
            layer = None if is_moving else plan.layers.get(tuple(map(id, members)))
            if layer is None:
                camera.capture_mobjects(members, include_submobjects=False)
            else:
                self._composite(layer)

    def _composite(self, layer: _Layer) -> None:
        if layer.pixels is None or layer.surface is None:
            return
        pixels = self.camera.pixel_array
        if self._target is None or self._target[0] is not pixels:
            height, width = pixels.shape[:2]
            surface = cairo.ImageSurface.create_for_data(pixels.data, cairo.FORMAT_ARGB32, width, height)
            self._target = (pixels, cairo.Context(surface))
        context = self._target[1]
        context.get_target().mark_dirty()
        (left, top), (height, width) = layer.origin, layer.pixels.shape[:2]
        context.set_source_surface(layer.surface, left, top)
        context.rectangle(left, top, width, height)
        context.fill()
        context.get_target().flush()


def _runs(order: list[Any], still: set[int]) -> list[tuple[bool, list[Any]]]:
    """Split the draw order into maximal runs of moving (``True``) and still (``False``) mobjects."""
    runs: list[tuple[bool, list[Any]]] = []
    for mobject in order:
        is_moving = id(mobject) not in still
        if runs and runs[-1][0] == is_moving:
            runs[-1][1].append(mobject)
        else:
            runs.append((is_moving, [mobject]))
    return runs
