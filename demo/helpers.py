"""Small helpers of the demo generators: weighted choice, permutations, dates."""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from math import gcd
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class _Weighted:
    """Weighted choice by bisection over precomputed cumulative weights (fast, stable)."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        self.items = [item for item, _weight in pairs]
        self.cumulative = list(accumulate(weight for _item, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def _permutation_step(size: int) -> int:
    """A multiplier coprime to ``size`` near the golden ratio: k*step+offset mod size
    visits every residue once and scatters consecutive k."""
    step = max(1, round(size * 0.6180339887))
    while gcd(step, size) != 1:
        step += 1
    return step


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def zh_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (larger numbers as digits)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    if number < 1000:
        rest = number % 100
        head = digits[number // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + digits[rest]
        return head + (("一" + zh_numeral(rest)) if rest < 20 else zh_numeral(rest))
    return str(number)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end] (``start`` when the range is empty). Always one draw, so
    what comes after does not depend on the width of the range."""
    span = max((end - start).days, 0)
    return start + dt.timedelta(days=int(rng.random() * (span + 1)))


def _at(day: dt.date, hour: int = 1) -> dt.datetime:
    """A timestamp on ``day`` in Asia/Shanghai (the nightly jobs run at 01:00)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)
