"""Batch screening (rules.md §5.6): up to 1,000 subjects by USCC or exact name.

Per item: found or not and why (an invalid code with the validator's message, unknown,
ambiguous name), the label, the grade, active black-list entries with their measures,
red lists. A constant number of queries for the whole batch, whatever its size; only
fully public information; natural persons are never found.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.exports import csv_writer
from enterprises.models import Subject
from enterprises.uscc import USCCError, looks_like_uscc, normalize_uscc, validate_uscc

from .models import Label
from .standing import SubjectStanding, subject_standings

MAX_ITEMS = 1000


class Reason:
    INVALID_CODE = "invalid_code"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    EMPTY = "empty"


@dataclass
class CheckItem:
    query: str
    found: bool = False
    reason: str | None = None
    message: str = ""
    error_code: str | None = None  # which part of an invalid code is wrong (uscc.USCCError)
    subject: Subject | None = None
    label: str | None = None
    grade: str | None = None
    score: int | None = None
    evaluated_at: dt.datetime | None = None
    black: list[dict[str, Any]] = field(default_factory=list)
    red: list[dict[str, Any]] = field(default_factory=list)
    standing: SubjectStanding | None = None

    def as_dict(self) -> dict[str, Any]:
        subject = self.subject
        return {
            "query": self.query,
            "found": self.found,
            "reason": self.reason,
            "message": self.message,
            "error_code": self.error_code,
            "subject": None if subject is None else {"uscc": subject.uscc, "name": subject.name},
            "label": self.label,
            "label_display": str(Label(self.label).label) if self.label else None,
            "grade": self.grade,
            "score": self.score,
            "evaluated_at": self.evaluated_at.isoformat() if self.evaluated_at else None,
            "black_lists": self.black,
            "red_lists": self.red,
            # The same object as the credit file API's (rules.md §3.9).
            "standing": self.standing.as_dict() if self.standing else None,
        }


def _is_code(text: str) -> bool:
    """Meant as a code: looks like one, or is one ASCII word with digits (names are
    Chinese or have spaces), so "12345" is reported as a code of the wrong length."""
    code = normalize_uscc(text)
    if looks_like_uscc(text):
        return True
    return code.isascii() and code.isalnum() and any(c.isdigit() for c in code)


def _evaluations(subject_ids: list[int]) -> dict[int, tuple[str, int, dt.datetime]]:
    """Grades from the evaluation app when it has them (read defensively)."""
    try:
        from enterprises.models import Evaluation  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - the evaluation issue not merged
        return {}
    rows = Evaluation.objects.filter(subject_id__in=subject_ids).values_list(
        "subject_id", "grade", "score", "evaluated_at"
    )
    return {sid: (grade, score, at) for sid, grade, score, at in rows}


def _entry_dict(entry: Any, *, note: str = "") -> dict[str, Any]:
    credit_list = entry.credit_list
    data: dict[str, Any] = {
        "list": credit_list.slug,
        "name_zh": credit_list.name_zh,
        "name_en": credit_list.name_en,
        "scope": credit_list.scope,
        "authority": credit_list.authority.name_zh,
        "listed_on": entry.listed_on.isoformat() if entry.listed_on else None,
        "term_end": entry.term_end.isoformat() if entry.term_end else None,
    }
    if credit_list.is_black:
        data["serious"] = credit_list.is_serious
        data["reason"] = entry.reason
        data["note"] = note
        data["measures"] = [
            {
                "code": m.code,
                "category": m.category,
                "name_zh": m.name_zh,
                "name_en": m.name_en,
                "edition": m.edition.code,
            }
            for m in credit_list.measures.all()
        ]
    return data


def check_subjects(queries: list[str], *, on: dt.date | None = None) -> list[CheckItem]:
    """Screen a batch. Bad items are reported one by one; the batch never fails for them."""
    items = [CheckItem(query=str(q).strip()) for q in queries]
    codes: dict[str, list[CheckItem]] = defaultdict(list)
    names: dict[str, list[CheckItem]] = defaultdict(list)
    for item in items:
        if not item.query:
            item.reason, item.message = Reason.EMPTY, _("Empty line: give a code or a name.")
        elif _is_code(item.query):
            try:
                codes[validate_uscc(item.query)].append(item)
            except USCCError as error:
                item.reason, item.message = Reason.INVALID_CODE, " ".join(error.messages)
                item.error_code = error.code
        else:
            names[item.query].append(item)
    public = Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON).only(
        "id", "uscc", "name"
    )
    found: dict[int, Subject] = {}
    if codes:
        for subject in public.filter(uscc__in=list(codes)):
            found[subject.pk] = subject
            for item in codes.pop(subject.uscc or ""):
                item.subject = subject
    if names:
        by_name: dict[str, list[Subject]] = defaultdict(list)
        for subject in public.filter(name__in=list(names)):
            by_name[subject.name].append(subject)
        for name, waiting in names.items():
            matches = by_name.get(name, [])
            for item in waiting:
                if len(matches) == 1:
                    item.subject = matches[0]
                    found[matches[0].pk] = matches[0]
                elif len(matches) > 1:
                    item.reason = Reason.AMBIGUOUS
                    item.message = _(
                        "%(n)d subjects have this name: give the unified social credit code."
                    ) % {"n": len(matches)}
    for waiting in codes.values():
        for item in waiting:
            item.reason, item.message = Reason.UNKNOWN, _("No subject with this code is published.")
    for item in items:
        if item.subject is None and item.reason is None:
            item.reason, item.message = Reason.UNKNOWN, _("No subject with this exact name.")
    ids = list(found)
    # Label, counts and entries come from the subject's standing, as on every surface.
    standings = subject_standings(ids, on=on, measures=True) if ids else {}
    grades = _evaluations(ids) if ids else {}
    for item in items:
        if item.subject is None:
            continue
        pk = item.subject.pk
        standing = standings[pk]
        item.found = True
        item.standing = standing
        notes = standing.entry_notes()
        item.black = [_entry_dict(e, note=notes.get(e.pk, "")) for e in standing.black_entries]
        item.red = [_entry_dict(e) for e in standing.red_entries]
        item.label = standing.label
        if pk in grades:
            item.grade, item.score, item.evaluated_at = grades[pk]
    return items


CSV_COLUMNS = [
    "query",
    "found",
    "reason",
    "message",
    "uscc",
    "name",
    "label",
    "grade",
    "score",
    "black_lists",
    "measures",
    "red_lists",
]


def read_queries_csv(data: bytes) -> list[str]:
    """The first column of each row (a header row naming a code or name is skipped)."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = [row for row in csv.reader(io.StringIO(text)) if row and any(c.strip() for c in row)]
    if rows and rows[0][0].strip().lower() in {"uscc", "code", "name", "统一社会信用代码", "名称"}:
        rows = rows[1:]
    return [row[0].strip() for row in rows]


def results_csv(items: list[CheckItem]) -> str:
    out = io.StringIO()
    writer = csv_writer(out)  # every cell escaped against formulas
    writer.writerow(CSV_COLUMNS)
    for item in items:
        subject = item.subject
        writer.writerow(
            [
                item.query,
                "yes" if item.found else "no",
                item.reason or "",
                item.message,
                subject.uscc if subject else "",
                subject.name if subject else "",
                str(Label(item.label).label) if item.label else "",
                item.grade or "",
                item.score if item.score is not None else "",
                "; ".join(e["name_zh"] for e in item.black),
                "; ".join(
                    sorted(
                        {f"{m['code']} {m['name_zh']}" for e in item.black for m in e["measures"]}
                    )
                ),
                "; ".join(e["name_zh"] for e in item.red),
            ]
        )
    return out.getvalue()
