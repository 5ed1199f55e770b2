"""A strict well-formedness checker for the report's HTML, built on the standard library's HTMLParser."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class TagBalanceChecker(HTMLParser):
    """Records every unclosed, stray or mis-nested tag; void elements and ``<x/>`` need no end tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"end tag for void element </{tag}> at {self.getpos()}")
        elif not self.stack:
            self.errors.append(f"stray </{tag}> at {self.getpos()}")
        elif self.stack[-1][0] != tag:
            open_tag, where = self.stack[-1]
            self.errors.append(f"</{tag}> at {self.getpos()} closes <{open_tag}> opened at {where}")
            self.stack.pop()
        else:
            self.stack.pop()


def check_well_formed(document: str) -> TagBalanceChecker:
    """Parse ``document``; raise AssertionError listing every problem found."""
    checker = TagBalanceChecker()
    checker.feed(document)
    checker.close()
    problems = checker.errors + [f"<{tag}> opened at {where} never closed" for tag, where in checker.stack]
    assert not problems, "\n".join(problems)
    return checker
