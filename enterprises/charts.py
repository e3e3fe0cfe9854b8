"""The credit file's evaluation charts: score history and points per indicator.

Drawn on the server as inline SVG by templates/enterprises/_evaluation.html, each with a
table that says the same in text. The grade bands come from the edition the evaluation
was computed with (rules.md §4.1: floors are fields of the edition); with no edition the
2020 defaults are used.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from core.charts import bar_chart, time_chart

# rules.md §4.1 defaults, used only when no edition is at hand.
DEFAULT_FLOORS = (850, 800, 750, 700)
GRADES = "ABCDE"
# Grade colours (fills are SVG attributes: no inline styles, no stylesheet needed).
BAND_FILLS = {"A": "#e3f4e8", "B": "#eef6e0", "C": "#fdf6d8", "D": "#fde9d6", "E": "#fadcdc"}
# The y axis covers every band: at least this many points below the lowest floor and above
# the highest, so grade E and grade A always have room to be seen.
BAND_MARGIN = 50


def grade_floors(edition: Any = None) -> tuple[int, int, int, int]:
    """Lowest score of grades A, B, C and D of ``edition`` (below D is E)."""
    if edition is None:
        return DEFAULT_FLOORS
    return (edition.grade_a_min, edition.grade_b_min, edition.grade_c_min, edition.grade_d_min)


def _local_day(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def score_chart(history: Sequence[Any], *, edition: Any = None) -> dict[str, Any] | None:
    """The score history as a staircase over real dates (a score holds until it changes)
    on the five grade bands, with a labelled y axis; one change gives one dot and one date.
    ``rows`` is the same history as a table (date, score, grade, change)."""
    if not history:
        return None
    floors = grade_floors(edition)
    total = getattr(edition, "total", 1000) or 1000
    scores = [row.score for row in history]
    low = max(0, math.floor((min([*scores, floors[-1]]) - BAND_MARGIN) / 50) * 50)
    high = min(total, math.ceil((max([*scores, floors[0]]) + BAND_MARGIN) / 50) * 50)
    points = [(_local_day(row.at), row.score) for row in history]
    chart = time_chart(
        [{"name": "score", "css": "line", "points": points}],
        width=520,
        height=220,
        low=low,
        high=high,
        step=True,
        right_pad=70,
    )
    if chart is None:  # pragma: no cover - history is not empty
        return None
    y, y_low, y_high = chart["y"], chart["y_low"], chart["y_high"]
    # Ticks every 50 points (the grade floors of the 2020 edition fall on them), every 100
    # when the range is wide.
    step = 50 if y_high - y_low <= 400 else 100
    chart["y_ticks"] = [
        {"y": y(t), "label": t} for t in range(int(y_low), int(y_high) + 1, step) if t % step == 0
    ]
    # Each band from its floor up to the next grade's floor (A: to the top, E: from the bottom).
    uppers = [y_high, *[float(f) for f in floors]]
    lowers = [*[float(f) for f in floors], y_low]
    bands = []
    for grade, lower, upper in zip(GRADES, lowers, uppers, strict=True):
        lower, upper = max(lower, y_low), min(upper, y_high)
        if upper <= lower:
            continue
        bands.append(
            {
                "grade": grade,
                "fill": BAND_FILLS[grade],
                "y": y(upper),
                "h": round(y(lower) - y(upper), 1),
                "label_y": round((y(lower) + y(upper)) / 2 + 4, 1),
                "range": _band_range(grade, floors),
            }
        )
    rows = []
    previous = None
    for row in history:
        rows.append(
            {
                "at": _local_day(row.at),
                "score": row.score,
                "grade": row.grade,
                "change": None if previous is None else row.score - previous,
            }
        )
        previous = row.score
    chart.update(
        bands=bands,
        rows=rows,
        single=len(history) == 1,
        plot_w=round(chart["right"] - chart["left"], 1),
        mid_y=round((chart["top"] + chart["bottom"]) / 2, 1),
        tick_x=chart["left"] - 4,
        line=chart["series"][0],
    )
    return chart


def _band_range(grade: str, floors: tuple[int, int, int, int]) -> str:
    a, b, c, d = floors
    return {
        "A": f"≥ {a}",
        "B": f"{b}–{a - 1}",
        "C": f"{c}–{b - 1}",
        "D": f"{d}–{c - 1}",
        "E": f"< {d}",
    }[grade]


def grade_bands(edition: Any = None) -> list[dict[str, str]]:
    """The five grades with their score ranges, as the edition sets them (for the text)."""
    floors = grade_floors(edition)
    return [{"grade": grade, "range": _band_range(grade, floors)} for grade in GRADES]


def indicator_chart(explanation: Any) -> dict[str, Any] | None:
    """Points lost (red, left of zero) or gained (green, right) per indicator that moved."""
    if explanation is None:
        return None
    english = (get_language() or "").startswith("en")
    rows = [
        {
            "label": f"{row.code} {row.name_en if english else row.name_zh}",
            "value": row.signed,
            "display": f"+{row.signed}" if row.signed > 0 else str(row.signed),
            "css": "gain" if row.signed > 0 else "loss",
        }
        for row in explanation.breakdown
        if row.points
    ]
    return bar_chart(rows, label_chars=18 if english else 14)


def score_status(
    evaluation: Any, history: Sequence[Any], *, today: dt.date | None = None
) -> dict[str, Any]:
    """What the page may truthfully say about the score's last change, from the history:

    - ``unchanged``: the last change (``since``) is before today and the score is the same
      now — "unchanged since";
    - ``changed``: it changed today (``previous`` → ``score``), or ``first`` if that was its
      first evaluation;
    - ``evaluated``: the history does not end on the current score (not kept or cut off):
      only the evaluation time is said.
    """
    today = today or timezone.localdate()
    if history and history[-1].score == evaluation.score:
        since = _local_day(history[-1].at)
        previous = history[-2].score if len(history) > 1 else None
        if since < today:
            return {"kind": "unchanged", "since": since, "previous": previous}
        return {
            "kind": "changed" if previous is not None else "first",
            "since": since,
            "previous": previous,
        }
    return {"kind": "evaluated", "since": _local_day(evaluation.evaluated_at), "previous": None}
