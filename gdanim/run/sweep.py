"""``--sweep NAME=V1,V2,...``: many variants of a scene, the product of a few knobs' values.

Pure functions, no Dask: a sweep renders through the local ``--jobs`` path
or, with ``--scheduler``, on a Dask cluster (:mod:`gdanim.run.cluster`). Each
variant is an ordinary :class:`gdanim.clip.request.ClipRequest`, so it has its own
stable file name and is validated like the single options.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Final

from gdanim.errors import MESSAGES

__all__ = ["SWEEP_FIELDS", "split_sweep", "sweep_variants"]

SWEEP_FIELDS: Final[dict[str, str]] = {
    "learning-rate": "learning_rate",
    "start": "start",
    "steps": "steps",
    "lang": "language",
    "theme": "theme",
}
"""Sweepable knobs: ``--sweep`` NAME (also its single option, ``--NAME``) → argument of ``ClipRequest.create``."""


def split_sweep(text: str) -> tuple[str, tuple[str, ...]]:
    """Split ``NAME=V1,V2,...`` into the knob's name and its values, still as text.

    Raises
    ------
    ValueError
        If there is no ``=``, the name is not in :data:`SWEEP_FIELDS`, or a value is empty.

    Examples
    --------
    >>> split_sweep("learning-rate=0.01, 0.1")
    ('learning-rate', ('0.01', '0.1'))
    >>> split_sweep("colour=red")
    Traceback (most recent call last):
    ...
    ValueError: 'colour=red' is not NAME=V1,V2,...; NAME is one of: learning-rate, start, steps, lang, theme
    """
    name, equals, listed = text.partition("=")
    name = name.strip().lower()
    values = tuple(value.strip() for value in listed.split(","))
    if not equals or name not in SWEEP_FIELDS or "" in values:
        raise ValueError(MESSAGES["bad_sweep"].format(text=text, names=", ".join(SWEEP_FIELDS)))
    return name, values


def sweep_variants(sweeps: Sequence[tuple[str, Sequence[object]]]) -> list[dict[str, object]]:
    """Every combination of the swept values, as keyword arguments of ``ClipRequest.create``.

    Parameters
    ----------
    sweeps
        ``(NAME, values)`` pairs, values already converted (floats, ints,
        strings). The first sweep varies slowest, as in :func:`itertools.product`.

    Returns
    -------
    list of dict
        One dict per variant; ``[{}]`` (one variant, no overrides) without sweeps.

    Raises
    ------
    ValueError
        If a NAME is swept twice or a sweep lists a value twice (two
        variants with one file name).

    Examples
    --------
    >>> sweep_variants([("learning-rate", [0.01, 0.9]), ("lang", ["he", "en"])])
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'learning_rate': 0.01, 'language': 'he'}, {'learning_rate': 0.01, 'language': 'en'},
     {'learning_rate': 0.9, 'language': 'he'}, {'learning_rate': 0.9, 'language': 'en'}]
    >>> sweep_variants([])
    [{}]
    """
    names = [name for name, _ in sweeps]
    for name, values in sweeps:
        if names.count(name) > 1:
            raise ValueError(MESSAGES["sweep_repeats_name"].format(name=name))
        repeated = next((value for index, value in enumerate(values) if value in values[:index]), None)
        if repeated is not None:
            raise ValueError(MESSAGES["sweep_repeats_value"].format(name=name, value=repeated))
    fields = [SWEEP_FIELDS[name] for name in names]
    return [dict(zip(fields, combination)) for combination in itertools.product(*(values for _, values in sweeps))]
