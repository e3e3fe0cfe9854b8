"""List entries of the bulk load (as :mod:`demo.lists`, without model instances)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

from enterprises.models import Disclosure

from .copy import _text

BLACK_SHARE = 0.03
RED_SHARE = 0.05


@dataclass(frozen=True)
class _List:
    id: int
    slug: str
    is_black: bool
    term_months: int | None
    objection_working_days: int
    removal_working_days: int | None
    end_rule: str
    authority_id: int


class ListEntries:
    """Black and red list entries of enterprises, drawn like ``demo.lists.demo_lists``."""

    def __init__(self, *, seed: int, as_of: dt.date) -> None:
        from lists.models import CreditList

        from ..lists import REASONS

        self.rng = random.Random(f"lists-{seed}")
        self.as_of = as_of
        self.reasons = REASONS
        lists = [
            _List(
                x.pk,
                x.slug,
                x.is_black,
                x.term_months,
                x.objection_working_days,
                x.removal_working_days,
                x.end_rule,
                x.authority_id,
            )
            for x in CreditList.objects.all().order_by("slug")
        ]
        self.black = [x for x in lists if x.is_black]
        self.red = [x for x in lists if not x.is_black]
        self.workdays: dict[tuple[dt.date, int], Any] = {}
        self.next_id = 1

    def _add_working_days(self, day: dt.date, n: int) -> Any:
        from rules.workdays import add_working_days

        key = (day, n)
        deadline = self.workdays.get(key)
        if deadline is None:
            deadline = self.workdays[key] = add_working_days(day, n)
        return deadline

    def lines(self, subject_id: int) -> list[str]:
        rng = self.rng
        if not self.black or not self.red:
            return []
        roll = rng.random()
        if roll < BLACK_SHARE:
            chosen = rng.sample(self.black, k=1 + (rng.random() < 0.15))
        elif roll < BLACK_SHARE + RED_SHARE:
            chosen = rng.sample(self.red, k=1 + (rng.random() < 0.2))
        else:
            return []
        return [self._line(credit_list, subject_id) for credit_list in chosen]

    def _line(self, credit_list: _List, subject_id: int) -> str:
        from lists.models import CreditList

        rng = self.rng
        as_of = self.as_of
        months = credit_list.term_months or 36
        listed_on = as_of - dt.timedelta(days=rng.randint(1, 30 * months + 200))
        notified_on = listed_on - dt.timedelta(days=rng.randint(16, 30))
        # Only a list with notice before listing notifies (docs/rules.md §5.2); its entry
        # is listed after the objection deadline has passed.
        notice = credit_list.objection_working_days
        deadline = self._add_working_days(notified_on, notice) if notice else None
        while deadline is not None and deadline.date >= listed_on:
            notified_on -= dt.timedelta(days=7)
            deadline = self._add_working_days(notified_on, notice)
        term_end = (
            listed_on + relativedelta(months=months, days=-1) if credit_list.term_months else None
        )
        status = "listed"
        reason = rng.choice(self.reasons.get(credit_list.slug, ["依法列入"]))
        disclosure = Disclosure.PUBLIC if rng.random() < 0.97 else Disclosure.GOVERNMENT
        fulfilled = removal_due = removed_on = None
        removal_due_provisional = False
        removal_reason = ""
        if term_end is not None and term_end < as_of:
            status = "removed"
            removed_on = term_end + dt.timedelta(days=1)
            removal_reason = "term_over"
        elif (
            credit_list.end_rule
            in (CreditList.EndRule.OBLIGATION, CreditList.EndRule.TERM_OR_OBLIGATION)
            and rng.random() < 0.2
        ):
            day = listed_on + dt.timedelta(days=rng.randint(30, 300))
            if day < as_of - dt.timedelta(days=10):
                due = self._add_working_days(day, credit_list.removal_working_days or 0)
                fulfilled, removal_due = day, due.date
                removal_due_provisional = due.provisional
                status = "removed"
                removed_on = removal_due
                removal_reason = "obligation_fulfilled"
        entry_id = self.next_id
        self.next_id += 1
        # Without notice (court lists) an entry is listed the day it is proposed.
        proposed_on = notified_on - dt.timedelta(days=3) if deadline else listed_on
        created = f"{proposed_on} 10:00:00+08"
        updated = f"{removed_on or listed_on} 01:00:00+08"
        fields = (
            entry_id,
            credit_list.id,
            subject_id,
            credit_list.authority_id,
            status,
            reason,
            f"DEMO-{credit_list.slug}-{subject_id}",
            disclosure,
            1,
            proposed_on,
            notified_on if deadline else None,
            deadline.date if deadline else None,
            "t" if deadline and deadline.provisional else "f",
            listed_on,
            term_end,
            fulfilled,
            removal_due,
            "t" if removal_due_provisional else "f",
            removed_on,
            removal_reason,
            created,
            updated,
        )
        return "\t".join(_text(value) for value in fields) + "\n"
