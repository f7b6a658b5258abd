"""The book's code listings, kept in the package so a render never needs the book beside it.

Each listing is a plain text file under ``scenes/book_listings/``, line for
line as its chapter prints the program (``tests/unit/test_book_listing.py`` checks it
against the chapter and runs it). Here too: how a listing is shown, its
wrapped lines aligned (:func:`display_lines`) and its tokens coloured as Pango
markup (:func:`markup_lines`, with Pygments). This module never imports manim.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Mapping, Sequence
from importlib.resources import files
from xml.sax.saxutils import escape

from pygments.lexers import PythonLexer
from pygments.token import Comment, Keyword, Name, Number, Operator, String, _TokenType

__all__ = ["LISTING_FILES", "TOKEN_ROLES", "book_listing", "display_lines", "listing_lines", "markup_lines", "token_role"]

LISTING_FILES: dict[int, str] = {10: "ch10-gradient-descent.py.txt"}
"""Chapter -> file under ``scenes/book_listings/`` holding its code listing."""


def book_listing(chapter: int) -> str:
    """The code listing of ``chapter``, exactly as the chapter prints it.

    Examples
    --------
    >>> book_listing(10).splitlines()[0]
    'import numpy as np'
    """
    try:
        name = LISTING_FILES[chapter]
    except KeyError:
        raise ValueError(f"no code listing for chapter {chapter!r}; choose from: {', '.join(map(str, LISTING_FILES))}") from None
    return files("scenes").joinpath("book_listings", name).read_text(encoding="utf-8")


def listing_lines(chapter: int) -> tuple[str, ...]:
    """The listing's lines, without their line ends.

    Examples
    --------
    >>> [line for line in listing_lines(10) if line.startswith("for ")]
    ['for step in range(10):']
    """
    return tuple(book_listing(chapter).splitlines())


def display_lines(lines: Sequence[str]) -> tuple[str, ...]:
    """``lines`` as shown on screen: a line that goes on inside an open bracket is aligned with that bracket.

    The book's page wraps a long ``print(`` onto a line of its own at column 0;
    Python ignores a continuation line's indentation, so aligning it after the
    innermost open bracket (PEP 8's "aligned with opening delimiter") runs the
    same and shows where the line belongs. Other lines are kept as they are.

    Examples
    --------
    >>> display_lines(("for i in range(3):", "    print(i,", "i)"))
    ('for i in range(3):', '    print(i,', '          i)')
    """
    shown = list(lines)
    open_columns: list[int] = []
    seen_rows: set[int] = set()
    source = "\n".join(lines) + "\n"
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        row, column = token.start
        if row not in seen_rows and open_columns:
            # The first token of a line that starts inside a bracket: a continuation line.
            shown[row - 1] = " " * (open_columns[-1] + 1) + lines[row - 1].lstrip(" ")
        seen_rows.update(range(row, token.end[0] + 1))
        shift = len(shown[row - 1]) - len(lines[row - 1]) if row <= len(lines) else 0
        if token.type == tokenize.OP and token.string in "([{":
            open_columns.append(column + shift)
        elif token.type == tokenize.OP and token.string in ")]}":
            open_columns.pop()
    return tuple(shown)


TOKEN_ROLES: tuple[tuple[_TokenType, str], ...] = (
    (Comment, "comment"),
    (String, "string"),
    (Number, "number"),
    (Keyword, "keyword"),
    (Operator.Word, "keyword"),
    (Name.Builtin, "builtin"),
    (Name.Function, "function"),
)
"""Pygments token type -> colour role of :data:`scenes.style.CODE_COLOURS`; a token of none of them is plain text."""


def token_role(token_type: _TokenType) -> str | None:
    """The colour role of a Pygments ``token_type`` (its own or its nearest parent's), or None for plain text.

    Examples
    --------
    >>> from pygments.token import Comment, Name
    >>> token_role(Comment.Single), token_role(Name)
    ('comment', None)
    """
    for parent, role in TOKEN_ROLES:
        if token_type in parent:
            return role
    return None


def markup_lines(lines: Sequence[str], colours: Mapping[str, str]) -> tuple[str, ...]:
    """Each of ``lines`` as Pango markup, its Python tokens coloured by role (Pygments' lexer).

    The lines are lexed together, so a token that spans lines keeps its role.
    Every character is kept, escaped for markup; a token is never split, so a
    Hebrew comment or string stays whole inside one span.

    Parameters
    ----------
    lines
        Source lines, without line ends.
    colours
        Role (see :data:`TOKEN_ROLES`) -> ``"#RRGGBB"``; a role not in it stays plain.

    Examples
    --------
    >>> markup_lines(["x = 1  # one"], {"number": "#0000FF", "comment": "#808080"})
    ('x = <span foreground="#0000FF">1</span>  <span foreground="#808080"># one</span>',)
    """
    lexer = PythonLexer(stripnl=False, stripall=False, ensurenl=False)
    # (colour, text) runs of each line; neighbouring tokens of one colour share a run.
    runs: list[list[tuple[str | None, str]]] = [[]]
    for token_type, value in lexer.get_tokens("\n".join(lines)):
        colour = colours.get(token_role(token_type) or "")
        for number, piece in enumerate(value.split("\n")):
            if number:
                runs.append([])
            if not piece:
                continue
            if runs[-1] and runs[-1][-1][0] == colour:
                runs[-1][-1] = (colour, runs[-1][-1][1] + piece)
            else:
                runs[-1].append((colour, piece))
    return tuple("".join(_span(colour, text) for colour, text in line) for line in runs[: len(lines)])


def _span(colour: str | None, text: str) -> str:
    """``text`` escaped for Pango markup, in a ``foreground`` span if it has a ``colour``."""
    return f'<span foreground="{colour}">{escape(text)}</span>' if colour else escape(text)
