"""Server-side SVG for the evaluation: bar charts of indicators, a chart per benefit (actual
values against baseline and target) and the benefits map. The same markup goes into the pages
and the PDF. Every drawing is ``role="img"`` with a ``<title>`` and ``<desc>`` saying what it
shows, and the pages put a table or list with the same figures beside it. Colours and sizes are
SVG presentation attributes, never ``style``, so the strict CSP holds.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from markupsafe import Markup, escape

BLUE, GREEN, ORANGE, GREY, BLACK, LIGHT = "#1d70b8", "#00703c", "#d4351c", "#505a5f", "#0b0c0c", "#f3f2f1"
FONT = 'font-family="Arial, Helvetica, sans-serif"'


def _text(x: float, y: float, body: str, size: int = 14, anchor: str = "start", fill: str = BLACK,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" {FONT}>{escape(body)}</text>')


def _open(view_w: int, view_h: int, chart_id: str, title: str, desc: str, css: str = "engage-svg") -> str:
    return (f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {view_w} {view_h}" width="100%" '
            f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>')


def _wrap(label: str, width: int) -> list[str]:
    words, lines, line = label.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], (lines[1][: width - 1] + "…") if len(lines[1]) >= width else lines[1] + " …"]
    return [line[:width] for line in lines] or [""]


def bar_chart(bars: Sequence[dict[str, Any]], chart_id: str, title: str) -> Markup:
    """Horizontal bars, each {"label", "count", "percent"}: the bar is the percentage."""
    rows = list(bars)
    row_h, width, label_w = 46, 640, 620
    height = max(1, len(rows)) * row_h + 6
    parts = [_open(width, height, chart_id, title, "; ".join(
        f"{b['label']}: {b['count']} ({b['percent'] if b['percent'] is not None else 0:g}%)" for b in rows))]
    for i, bar in enumerate(rows):
        y = i * row_h
        pct = max(0.0, min(100.0, float(bar["percent"] or 0)))
        parts.append(_text(0, y + 16, f"{bar['label'][:80]}: {bar['count']} ({pct:g}%)", 14))
        parts.append(f'<rect x="0" y="{y + 24}" width="{label_w}" height="14" fill="{LIGHT}"/>')
        parts.append(f'<rect x="0" y="{y + 24}" width="{label_w * pct / 100:.1f}" height="14" fill="{BLUE}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _days(d: date) -> int:
    return d.toordinal()


def _parse(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def benefit_chart(profile: dict[str, Any], chart_id: str) -> Markup | None:
    """Actual values over time (a line with points) against the baseline and the target (dashed
    lines, each with its point at its date). None when there is nothing to draw."""
    points = [(_parse(m["date"]), float(m["value"])) for m in profile["measurements"]]
    base, target = profile["baseline"], profile["target"]
    marks = [(_parse(base["date"]), base["value"], "Baseline"), (_parse(target["date"]), target["value"], "Target")]
    marks = [(d, float(v), name) for d, v, name in marks if d is not None and v is not None]
    if not points and not marks:
        return None
    dates = [d for d, _ in points] + [d for d, _, _ in marks]
    values = [v for _, v in points] + [v for _, v, _ in marks]
    lo_d, hi_d = min(dates), max(dates)
    span_d = max(1, _days(hi_d) - _days(lo_d))
    lo_v, hi_v = min(0.0, min(values)), max(values)
    span_v = (hi_v - lo_v) or 1.0
    hi_v = hi_v + span_v * 0.1
    span_v = hi_v - lo_v
    width, height, left, right, top, bottom = 640, 300, 70, 20, 20, 60

    def x(d: date) -> float:
        return left + (width - left - right) * (_days(d) - _days(lo_d)) / span_d

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo_v) / span_v)

    unit = profile.get("unit") or ""
    desc = [f"{name} {v:g} {unit} on {d.isoformat()}".replace("  ", " ") for d, v, name in marks]
    desc += [f"measured {v:g} {unit} on {d.isoformat()}".replace("  ", " ") for d, v in points]
    parts = [_open(width, height, chart_id, f"{profile['title']}: actual values against baseline and target",
                   "; ".join(desc))]
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
                 f'stroke="{GREY}" stroke-width="1"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="{GREY}" stroke-width="1"/>')
    for frac in (0, 0.5, 1):
        v = lo_v + span_v * frac
        parts.append(_text(left - 8, y(v) + 5, f"{v:.3g}", 12, "end", GREY))
    parts.append(_text(left, height - bottom + 20, lo_d.isoformat(), 12, "start", GREY))
    parts.append(_text(width - right, height - bottom + 20, hi_d.isoformat(), 12, "end", GREY))
    if unit:
        parts.append(_text(left, height - 8, f"Values in {unit}", 12, "start", GREY))
    for (d, v, name), colour in zip(marks, (GREY, GREEN)):
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" stroke="{colour}" '
                     f'stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(f'<rect x="{x(d) - 5:.1f}" y="{y(v) - 5:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(width - right, y(v) - 6, f"{name} {v:g}", 12, "end", colour, "bold"))
    if points:
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
        for d, v in points:
            parts.append(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="5" fill="{BLUE}"/>')
    legend_y = height - 26
    parts.append(f'<circle cx="{left + 200}" cy="{legend_y}" r="5" fill="{BLUE}"/>')
    parts.append(_text(left + 210, legend_y + 5, "Actual", 12))
    parts.append(f'<rect x="{left + 270}" y="{legend_y - 5}" width="10" height="10" fill="{GREY}"/>')
    parts.append(_text(left + 285, legend_y + 5, "Baseline", 12))
    parts.append(f'<rect x="{left + 360}" y="{legend_y - 5}" width="10" height="10" fill="{GREEN}"/>')
    parts.append(_text(left + 375, legend_y + 5, "Target", 12))
    parts.append("</svg>")
    return Markup("".join(parts))


def benefits_map(graph: dict[str, Any], chart_id: str = "benefits-map") -> Markup | None:
    """Four columns (outputs, outcomes, benefits, objectives) of boxes, with arrows for what leads
    to what and curved arrows for one benefit depending on another."""
    columns = graph["columns"]
    if not any(c["nodes"] for c in columns):
        return None
    col_w, box_w, box_h, gap, top = 250, 210, 54, 18, 40
    rows = max(len(c["nodes"]) for c in columns)
    width, height = col_w * len(columns), top + rows * (box_h + gap) + 10
    where: dict[str, tuple[float, float]] = {}
    for ci, column in enumerate(columns):
        for ni, node in enumerate(column["nodes"]):
            where[node["id"]] = (ci * col_w + 10, top + ni * (box_h + gap))
    labels = {n["id"]: n["label"] for c in columns for n in c["nodes"]}
    desc = "; ".join(f"{labels.get(e['from'], e['from'])} {e['kind'].replace('_', ' ')} {labels.get(e['to'], e['to'])}"
                     for e in graph["edges"])
    parts = [_open(width, height, chart_id, "Benefits map: outputs lead to outcomes, outcomes to benefits, "
                   "benefits to objectives", desc or "No links yet", "engage-svg engage-svg--map")]
    parts.append(f'<defs><marker id="{chart_id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                 f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{GREY}"/></marker></defs>')
    for ci, column in enumerate(columns):
        parts.append(_text(ci * col_w + 10, 22, column["title"], 16, weight="bold"))
    for edge in graph["edges"]:
        if edge["from"] not in where or edge["to"] not in where:
            continue
        (x1, y1), (x2, y2) = where[edge["from"]], where[edge["to"]]
        if edge["kind"] == "depends_on":
            sx, sy, ex, ey = x1 + box_w, y1 + box_h / 2, x2 + box_w, y2 + box_h / 2
            bend = sx + 30
            parts.append(f'<path d="M{sx:.1f},{sy:.1f} C{bend:.1f},{sy:.1f} {bend:.1f},{ey:.1f} {ex + 2:.1f},{ey:.1f}" '
                         f'fill="none" stroke="{ORANGE}" stroke-width="2" stroke-dasharray="5 3" '
                         f'marker-end="url(#{chart_id}-arrow)"/>')
        else:
            sx, sy, ex, ey = x1 + box_w, y1 + box_h / 2, x2 - 2, y2 + box_h / 2
            mid = (sx + ex) / 2
            parts.append(f'<path d="M{sx:.1f},{sy:.1f} C{mid:.1f},{sy:.1f} {mid:.1f},{ey:.1f} {ex:.1f},{ey:.1f}" '
                         f'fill="none" stroke="{GREY}" stroke-width="1.5" marker-end="url(#{chart_id}-arrow)"/>')
    fills = {"output": LIGHT, "decision": "#e8f1f8", "outcome": LIGHT, "benefit": "#cce2d8",
             "dis_benefit": "#f4cdc6", "objective": "#fff7bf"}
    for column in columns:
        for node in column["nodes"]:
            bx, by = where[node["id"]]
            parts.append(f'<rect x="{bx}" y="{by}" width="{box_w}" height="{box_h}" rx="4" '
                         f'fill="{fills.get(node["kind"], LIGHT)}" stroke="{BLACK}" stroke-width="1"/>')
            label = ("Dis-benefit: " if node["kind"] == "dis_benefit" else "") + node["label"]
            for li, line in enumerate(_wrap(label, 27)):
                parts.append(_text(bx + 8, by + 22 + li * 18, line, 13))
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["bar_chart", "benefit_chart", "benefits_map"]
