"""Early removal from a market-regulation black list needs no new heavier penalty since
listing (rules.md §5.3).

The SAMR serious-violation list removes an entry early by credit repair only when the
subject has not been punished again, more heavily, after it was listed. "Heavier" is read
plainly: the list holds serious violations, so any **serious administrative penalty** of a
market-regulation department decided after the listing date (and on or before the day
asked about) blocks early removal; a penalty whose decision was revoked, or whose record
was revoked, does not. The rule applies to the lists whose authority is market regulation
and that allow early removal.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from enterprises.models import CreditRecord, RecordState, Severity
from rules.kinds import RecordKind

from .models import ListEntry


def _market_regulation(prefix: str = "department__") -> Q:
    # As Department.is_market_regulation.
    return Q(**{f"{prefix}code": "samr"}) | Q(**{f"{prefix}code__endswith": "-amr"})


def needs_no_heavier_penalty(entry: ListEntry) -> bool:
    credit_list = entry.credit_list
    return bool(credit_list.repair_allowed and credit_list.authority.is_market_regulation)


def heavier_penalty_since_listing(entry: ListEntry, *, until: dt.date) -> CreditRecord | None:
    """The first serious penalty of market regulation against the entry's subject decided
    after its listing date and on or before ``until``; None if there is none or the rule
    does not apply to the entry's list."""
    if entry.listed_on is None or not needs_no_heavier_penalty(entry):
        return None
    return (
        CreditRecord.objects.filter(
            _market_regulation(),
            subject_id=entry.subject_id,
            kind=RecordKind.PENALTY,
            severity=Severity.SERIOUS,
            decision_date__gt=entry.listed_on,
            decision_date__lte=until,
            decision_revoked_on__isnull=True,
        )
        .exclude(state=RecordState.REVOKED)
        .order_by("decision_date", "pk")
        .first()
    )


def heavier_penalty_reason(record: CreditRecord | None, listed_on: dt.date) -> str:
    """Why early removal is refused, naming the penalty; ``record`` None when it may not be
    named (not public, rules.md §3.7)."""
    if record is None:
        return _(
            "Early removal needs no new heavier penalty since listing: a serious "
            "administrative penalty has been decided since the listing on %(listed)s."
        ) % {"listed": listed_on.isoformat()}
    return _(
        "Early removal needs no new heavier penalty since listing: a serious administrative "
        "penalty was decided on %(date)s (document %(number)s), after the listing on "
        "%(listed)s."
    ) % {
        "date": record.decision_date.isoformat(),
        "number": record.document_number or "—",
        "listed": listed_on.isoformat(),
    }


def heavier_penalty_blocks(entry: ListEntry, *, until: dt.date, public: bool) -> str:
    """The reason early removal of ``entry`` is refused for a heavier penalty, or "". The
    public answer names the penalty only if it is itself public (rules.md §3.7)."""
    blocking = heavier_penalty_since_listing(entry, until=until)
    if blocking is None or entry.listed_on is None:
        return ""
    shown = not public or CreditRecord.objects.public().filter(pk=blocking.pk).exists()
    return heavier_penalty_reason(blocking if shown else None, entry.listed_on)
