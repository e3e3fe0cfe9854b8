"""Geometry for the site's charts, drawn on the server as inline SVG (no JavaScript).

The functions here only compute coordinates and labels; the templates
(``templates/includes/_bar_chart.html``, ``_time_chart.html``) draw them, and every chart
is followed on its page by a table or a description that says the same in text. Values
are plain numbers, dates are ``datetime.date``; nothing here knows about credit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

__all__ = ["bar_chart", "date_ticks", "nice_ticks", "time_chart", "truncate"]


def nice_ticks(low: float, high: float, *, count: int = 5) -> list[int]:
    """Round tick values covering ``low``…``high`` (steps of 1, 2, 2.5 or 5 × 10ⁿ)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(1, math.ceil(step))
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step:
        ticks.append(int(value))
        if value >= high:
            break
        value += step
    return ticks


def truncate(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis (SVG labels; the table beside
    the chart has the whole text)."""
    return text if len(text) <= length else text[: max(1, length - 1)] + "…"


def bar_chart(
    rows: Sequence[dict[str, Any]],
    *,
    width: int = 560,
    row_height: int = 22,
    label_width: int = 170,
    label_chars: int = 22,
) -> dict[str, Any] | None:
    """Horizontal bars, one per row (``label``, ``value``; optional ``mark`` — a value drawn
    as a tick on the bar's row, e.g. a deadline — and ``css`` — a class for the bar).
    Negative values draw to the left of a zero line, positive to the right."""
    if not rows:
        return None
    values = [float(row["value"]) for row in rows]
    marks = [float(row["mark"]) for row in rows if row.get("mark") is not None]
    low = min([0.0, *values, *marks])
    high = max([0.0, *values, *marks])
    ticks = nice_ticks(low, high)
    low, high = float(min(ticks[0], low)), float(max(ticks[-1], high))
    top, bottom, right_pad = 8, 22, 40
    # Room for the value written beside the longest negative bar.
    left = label_width + (36 if low < 0 else 0)
    plot_w = width - left - right_pad
    height = top + row_height * len(rows) + bottom

    def x(value: float) -> float:
        return round(left + plot_w * (value - low) / ((high - low) or 1), 1)

    zero = x(0)
    bars = []
    for index, row in enumerate(rows):
        value = float(row["value"])
        y = top + index * row_height
        start, end = sorted((zero, x(value)))
        bars.append(
            {
                "label": truncate(str(row["label"]), label_chars),
                "full_label": str(row["label"]),
                "value": row["value"],
                "display": row.get("display", row["value"]),
                "x": start,
                "y": y + 3,
                "w": max(round(end - start, 1), 0.5 if value else 0),
                "h": row_height - 6,
                "text_y": y + row_height / 2 + 4,
                "value_x": round((end + 4) if value >= 0 else (start - 4), 1),
                "anchor": "start" if value >= 0 else "end",
                "mark_x": x(float(row["mark"])) if row.get("mark") is not None else None,
                "css": row.get("css", ""),
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "label_x": label_width,
        "right": width - right_pad,
        "top": top,
        "bottom": height - bottom,
        "zero": zero,
        "ticks": [{"x": x(t), "label": t} for t in ticks],
        "bars": bars,
        "negative": low < 0,
    }


def date_ticks(start: dt.date, end: dt.date, *, count: int = 5) -> list[dt.date]:
    """Up to ``count`` dates from ``start`` to ``end``, both included, on month starts
    when the span is long enough (real dates, never the same one twice)."""
    if end <= start:
        return [start]
    span = (end - start).days
    if span < 62:
        step = max(1, span // max(1, count - 1))
        days = [start + dt.timedelta(days=d) for d in range(0, span, step)]
        days = [day for day in days if (end - day).days >= step / 2]
        return [*days[: count - 1], end]
    months = (end.year - start.year) * 12 + end.month - start.month
    step = max(1, math.ceil(months / max(1, count - 1)))
    ticks: list[dt.date] = [start]
    index = step
    while index < months:
        year, month = divmod(start.month - 1 + index, 12)
        day = dt.date(start.year + year, month + 1, 1)
        if (day - ticks[-1]).days > span / (count * 2) and (end - day).days > span / (count * 2):
            ticks.append(day)
        index += step
    ticks.append(end)
    return ticks


def time_chart(
    series: Sequence[dict[str, Any]],
    *,
    width: int = 560,
    height: int = 220,
    low: float | None = None,
    high: float | None = None,
    step: bool = False,
    right_pad: int = 16,
) -> dict[str, Any] | None:
    """A time axis with one polyline per series (``name``, ``css``, ``points``: a list of
    ``(date, value)`` in date order). ``step``: a value holds until the next point (a
    staircase, not a slope). The x axis is proportional to time and labelled with real
    dates; a series with one point gets a dot and no line."""
    points = [p for s in series for p in s["points"]]
    if not points:
        return None
    days = [p[0] for p in points]
    values = [float(p[1]) for p in points]
    start, end = min(days), max(days)
    ticks = nice_ticks(min(values) if low is None else low, max(values) if high is None else high)
    y_low = float(min(ticks[0], low if low is not None else ticks[0]))
    y_high = float(max(ticks[-1], high if high is not None else ticks[-1]))
    left, right, top, bottom = 48, width - right_pad, 10, height - 28
    span = (end - start).days

    def x(day: dt.date) -> float:
        if span == 0:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * (day - start).days / span, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * (value - y_low) / ((y_high - y_low) or 1), 1)

    drawn = []
    for item in series:
        coords = [(x(day), y(float(value))) for day, value in item["points"]]
        path: list[tuple[float, float]] = []
        for index, (px, py) in enumerate(coords):
            if step and index:
                path.append((px, path[-1][1]))
            path.append((px, py))
        drawn.append(
            {
                "name": item.get("name", ""),
                "css": item.get("css", ""),
                "polyline": " ".join(f"{px},{py}" for px, py in path) if len(coords) > 1 else "",
                "dots": [
                    {"x": px, "y": py, "at": day, "value": value}
                    for (px, py), (day, value) in zip(coords, item["points"], strict=True)
                ],
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "y": y,
        "x": x,
        "y_ticks": [{"y": y(t), "label": t} for t in ticks if y_low <= t <= y_high],
        "x_ticks": _x_ticks([(x(day), day) for day in date_ticks(start, end)]),
        "series": drawn,
        "start": start,
        "end": end,
        "y_low": y_low,
        "y_high": y_high,
    }


def _x_ticks(ticks: list[tuple[float, dt.date]]) -> list[dict[str, Any]]:
    """Date labels anchored so that the first and last stay inside the drawing (a single
    date is centred)."""
    out = []
    for index, (x, day) in enumerate(ticks):
        anchor = "middle"
        if len(ticks) > 1 and index == 0:
            anchor = "start"
        elif len(ticks) > 1 and index == len(ticks) - 1:
            anchor = "end"
        out.append({"x": x, "at": day, "anchor": anchor})
    return out
