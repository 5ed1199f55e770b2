"""The trend chart as inline SVG: stacked bars per run, so the report needs no script, image file or font."""

from __future__ import annotations

from html import escape

from sid_connector.report.model import RunPoint

COLOURS: dict[str, str] = {"errors": "#b3261e", "warnings": "#b26a00", "infos": "#1f5fa8"}
_BAR = 18
_GAP = 8
_HEIGHT = 90


def trend_svg(points: list[RunPoint], title: str, names: dict[str, str]) -> str:
    """Stacked error/warning/info bars, oldest run on the left; an empty string when there is nothing to draw.

    ``names`` gives the tooltip word for ``errors``/``warnings``/``infos`` in the report's language.
    """
    if not points:
        return ""
    peak = max((p.errors + p.warnings + p.infos for p in points), default=0) or 1
    width = len(points) * (_BAR + _GAP) + _GAP
    parts = [
        f'<svg class="trend" role="img" width="{width}" height="{_HEIGHT + 2}" '
        f'viewBox="0 0 {width} {_HEIGHT + 2}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{_HEIGHT}" x2="{width}" y2="{_HEIGHT}" stroke="#888" stroke-width="1"/>',
    ]
    for index, point in enumerate(points):
        x = _GAP + index * (_BAR + _GAP)
        bottom = float(_HEIGHT)
        for name, value in (("errors", point.errors), ("warnings", point.warnings), ("infos", point.infos)):
            height = _HEIGHT * max(value, 0) / peak
            if height <= 0:
                continue
            bottom -= height
            parts.append(
                f'<rect x="{x}" y="{bottom:.1f}" width="{_BAR}" height="{height:.1f}" fill="{COLOURS[name]}">'
                f"<title>{escape(_run_name(point))} {escape(point.at)}: {escape(names[name])} {value}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _run_name(point: RunPoint) -> str:
    """``#42`` for a stored run; the current, not yet stored run has a negative id and no number."""
    return f"#{point.run_id}" if point.run_id >= 0 else ""
