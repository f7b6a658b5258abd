"""The start tags of an HTML page with their attributes, for assertions on generated pages."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["parse_tags"]


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse_tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """``(tag, attributes)`` of every start tag, in document order."""
    collector = _TagCollector()
    collector.feed(page)
    return collector.tags
