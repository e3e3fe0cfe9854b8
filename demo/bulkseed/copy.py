"""The tables the bulk load fills, their COPY columns, and rows as COPY text lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from enterprises.services import SUBJECT_FIELDS

# The tables this module fills, in load order.
SUBJECTS = "enterprises_subject"
FORMER_NAMES = "enterprises_formername"
RECORDS = "enterprises_creditrecord"
LIST_ENTRIES = "lists_listentry"
TABLES = (SUBJECTS, FORMER_NAMES, RECORDS, LIST_ENTRIES)

SUBJECT_COLUMNS = (
    "id",
    "subject_type",
    "name",
    "uscc",
    "uscc_override",
    "uscc_override_reason",
    "id_number",
    "legal_representative",
    "enterprise_type",
    "established_on",
    "address",
    "registered_capital",
    "business_scope",
    "registration_status",
    "region_id",
    "industry_id",
    "search_pinyin",
    "search_initials",
    "rescore_requested_at",
    "created_at",
    "updated_at",
)
# COPY writes positionally, in the table's column order, so the list is spelled out; its
# writable fields must be the one definition's (``enterprises.services.SUBJECT_FIELDS``),
# the rest are keys, the code's override and derived columns. Drift fails at import.
_SUBJECT_OTHER_COLUMNS = {
    "id",
    "uscc",
    "uscc_override",
    "uscc_override_reason",
    "search_pinyin",
    "search_initials",
    "rescore_requested_at",
    "created_at",
    "updated_at",
}
if set(SUBJECT_COLUMNS) != set(SUBJECT_FIELDS) | _SUBJECT_OTHER_COLUMNS:  # pragma: no cover
    raise ImproperlyConfigured(
        "demo.bulkseed.copy.SUBJECT_COLUMNS and enterprises.services.SUBJECT_FIELDS differ"
    )
FORMER_NAME_COLUMNS = ("id", "subject_id", "name", "used_until")
RECORD_COLUMNS = (
    "id",
    "subject_id",
    "department_id",
    "kind",
    "decision_date",
    "document_number",
    "legal_basis",
    "title",
    "content",
    "disclosure",
    "severity",
    "publicity_end",
    "state",
    "state_changed_at",
    "penalty_type",
    "simplified_procedure",
    "decision_revoked_on",
    "fine_amount",
    "amount",
    "valid_from",
    "valid_until",
    "tax_credit_level",
    "tax_year",
    "created_at",
    "updated_at",
)
LIST_ENTRY_COLUMNS = (
    "id",
    "credit_list_id",
    "subject_id",
    "department_id",
    "status",
    "reason",
    "document_number",
    "disclosure",
    "times_listed",
    "proposed_on",
    "notified_on",
    "objection_deadline",
    "objection_deadline_provisional",
    "listed_on",
    "term_end",
    "obligation_fulfilled_on",
    "removal_due",
    "removal_due_provisional",
    "removed_on",
    "removal_reason",
    "created_at",
    "updated_at",
)

_NULL = "\\N"


def _text(value: Any) -> str:
    return _NULL if value is None else str(value)


def _stamp(value: dt.datetime | None) -> str:
    return _NULL if value is None else value.isoformat(sep=" ")


class _Lines:
    """Rows of one table as COPY text lines, handed to a COPY stream in large blocks."""

    def __init__(self, copy: Any, block: int = 1 << 20) -> None:
        self.copy = copy
        self.block = block
        self.parts: list[str] = []
        self.size = 0

    def add(self, line: str) -> None:
        self.parts.append(line)
        self.size += len(line)
        if self.size >= self.block:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.copy.write("".join(self.parts))
            self.parts = []
            self.size = 0


def subject_line(sid: int, s: dict[str, Any], stamp: str) -> str:
    return (
        f"{sid}\t{s['subject_type']}\t{s['name']}\t{_text(s['uscc'])}\tf\t\t{s['id_number']}\t"
        f"{s['legal_representative']}\t{s['enterprise_type']}\t{_text(s['established_on'])}\t"
        f"{s['address']}\t{_text(s['registered_capital'])}\t{s['business_scope']}\t"
        f"{s['registration_status']}\t{s['region_id']}\t{_text(s['industry_id'])}\t"
        f"{s['search_pinyin']}\t{s['search_initials']}\t\\N\t{stamp}\t{stamp}\n"
    )


def record_line(rid: int, sid: int, department: int, r: dict[str, Any]) -> str:
    created = f"{r['decision_date']} 10:00:00+08"
    changed = r["state_changed_at"]
    updated = created if changed is None else changed.isoformat(sep=" ")
    return (
        f"{rid}\t{sid}\t{department}\t{r['kind']}\t{r['decision_date']}\t"
        f"{r['document_number']}\t{r['legal_basis']}\t{r['title']}\t{r['content']}\t"
        f"{r['disclosure']}\t{r['severity']}\t{_text(r['publicity_end'])}\t{r['state']}\t"
        f"{_stamp(changed)}\t{r['penalty_type']}\t{'t' if r['simplified_procedure'] else 'f'}\t"
        f"{_text(r['decision_revoked_on'])}\t{_text(r['fine_amount'])}\t"
        f"{_text(r['amount'])}\t{_text(r['valid_from'])}\t{_text(r['valid_until'])}\t"
        f"{r['tax_credit_level']}\t{_text(r['tax_year'])}\t{created}\t{updated}\n"
    )
