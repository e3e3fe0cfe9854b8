"""May this negative record or list entry be repaired: now, from a date, or never?

One place for the rule (rules.md §8.1, §3.4 "lack of awareness"): the public
file, the API, the repair form and the services all ask here. A record may be repaired
once the minimum publicity of the rule edition that fixed its publicity (or else the
edition of its department's jurisdiction in force on its decision date) has elapsed,
unless it is published permanently, the edition allows no repair, the subject is on a
list it has been put on too often (e.g. twice), the edition needs a clean record and new
negative information has arisen since the decision (Zhejiang), or a false repair
commitment bars it (3 years). Tax information (``repair.tax``): a D rating may be repaired
but the answer says the rating after repair is at most B, and serious tax information is
repaired once per calendar year. Obligations fulfilled is shown by the identifying unit's
opinion attached to the application, not decided here.

Two audiences, two entry points. ``records_eligibility`` / ``record_eligibility`` give
the answer the public may be told (the file, the repair guide and form, the API, the
submission): "listed too often" counts only list entries the public sees (rules.md §3.7),
so a partly public or government-only entry never shows through a refusal (§3.5), and a
later record blocking a clean-record repair is named only if it is itself public.
``records_eligibility_for_officials`` counts every listed entry of the subject and names
any blocking record: the grant checks it again (§8.2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enterprises.models import CreditRecord, RecordState, Severity
from enterprises.tax_repair import capped_note, is_d_rating
from rules.kinds import NEGATIVE_KINDS

from .tax import TaxAnswers

if TYPE_CHECKING:
    from lists.models import ListEntry

NOW = "now"
FROM = "from"
NEVER = "never"

# Where no rule edition covers a record: the national Measures (3 months minor/general,
# 6 months serious; rules.md §8.1).
FALLBACK_MONTHS = {Severity.MINOR: 3, Severity.GENERAL: 3, Severity.SERIOUS: 6}


@dataclass(frozen=True)
class Eligibility:
    status: str  # NOW, FROM or NEVER
    from_date: dt.date | None
    reasons: list[str] = field(default_factory=list)
    edition: str = ""  # name of the rule edition applied
    edition_code: str = ""

    @property
    def possible(self) -> bool:
        return self.status != NEVER

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "from_date": self.from_date.isoformat() if self.from_date else None,
            "reasons": [str(r) for r in self.reasons],
            "edition": self.edition,
            "edition_code": self.edition_code,
        }


def _edition_name(edition: Any) -> str:
    english = (get_language() or "").startswith("en")
    return str(edition.name_en if english else edition.name_zh)


def _active_bans(subject_ids: set[int], on: dt.date) -> dict[int, dt.date]:
    from .models import RepairBan

    bans: dict[int, dt.date] = {}
    for subject_id, ends_on in RepairBan.objects.filter(
        subject_id__in=subject_ids, starts_on__lte=on, ends_on__gt=on
    ).values_list("subject_id", "ends_on"):
        bans[subject_id] = max(ends_on, bans.get(subject_id, ends_on))
    return bans


def _listed_too_often(subject_ids: set[int], *, day: dt.date, public: bool) -> set[int]:
    """Subjects on a list (in force) at least as many times as the list bars repair for:
    over the entries the public sees (rules.md §3.7), or over every listed entry for the
    officials' answer."""
    from django.db.models import F

    from lists.models import ListEntry
    from lists.queries import public_entries_of

    entries = (
        public_entries_of(subject_ids, on=day)
        if public
        else ListEntry.objects.filter(subject_id__in=subject_ids, status=ListEntry.Status.LISTED)
    )
    return set(
        entries.filter(
            credit_list__repair_forbidden_times_listed__isnull=False,
            times_listed__gte=F("credit_list__repair_forbidden_times_listed"),
        )
        .order_by()
        .values_list("subject_id", flat=True)
    )


def _later_negative(records: list[CreditRecord], *, until: dt.date, public: bool) -> dict[int, str]:
    """For each record, the reason naming the first negative record of its subject decided
    after it and on or before ``until`` (the application day), revoked ones not counted
    (rules.md §8.1, clean record). The public answer names only a record that is itself
    public (§3.7); otherwise it says only that new negative information arose."""
    if not records:
        return {}
    later = list(
        CreditRecord.objects.filter(
            subject_id__in={r.subject_id for r in records},
            kind__in=[str(kind) for kind in NEGATIVE_KINDS],
            decision_date__gt=min(r.decision_date for r in records),
            decision_date__lte=until,
        )
        .exclude(state=RecordState.REVOKED)
        .order_by("decision_date", "pk")
        .only("pk", "subject_id", "kind", "document_number", "decision_date")
    )
    shown = (
        set(
            CreditRecord.objects.public()
            .filter(pk__in=[r.pk for r in later])
            .values_list("pk", flat=True)
        )
        if public
        else {r.pk for r in later}
    )
    reasons: dict[int, str] = {}
    for record in records:
        blocking = next(
            (
                r
                for r in later
                if r.subject_id == record.subject_id
                and r.decision_date > record.decision_date
                and r.pk != record.pk
            ),
            None,
        )
        if blocking is None:
            continue
        if blocking.pk in shown:
            reasons[record.pk] = _(
                "Credit repair needs a clean record since the decision: new negative "
                "information arose on %(date)s (%(kind)s, document %(number)s)."
            ) % {
                "date": blocking.decision_date.isoformat(),
                "kind": blocking.get_kind_display(),
                "number": blocking.document_number or "—",
            }
        else:
            reasons[record.pk] = _(
                "Credit repair needs a clean record since the decision: new negative "
                "information has arisen since the decision."
            )
    return reasons


def _finish(
    earliest: dt.date, on: dt.date, reasons: list[str], ban_end: dt.date | None
) -> tuple[str, dt.date]:
    if ban_end is not None and ban_end > earliest:
        earliest = ban_end
        reasons.append(
            _("A false repair commitment bars credit repair until %(date)s.")
            % {"date": ban_end.isoformat()}
        )
    if on >= earliest:
        return NOW, earliest
    return FROM, earliest


def records_eligibility(
    records: list[CreditRecord], *, on: dt.date | None = None
) -> dict[int, Eligibility]:
    """Eligibility of each record as the public may be told it (rules.md §3.7, §8.1),
    in a constant number of queries."""
    return _records_eligibility(records, on=on, public=True)


def records_eligibility_for_officials(
    records: list[CreditRecord], *, on: dt.date | None = None, applied_on: dt.date | None = None
) -> dict[int, Eligibility]:
    """Eligibility of each record counting every listed entry of its subject, whatever
    its disclosure level, and naming any record that breaks a clean record: the grant's
    check (rules.md §8.2). ``applied_on`` (the application's day) ends the clean-record
    window; else ``on``. Never shown to the public."""
    return _records_eligibility(records, on=on, public=False, applied_on=applied_on)


def _records_eligibility(
    records: list[CreditRecord],
    *,
    on: dt.date | None,
    public: bool,
    applied_on: dt.date | None = None,
) -> dict[int, Eligibility]:
    from rules.publicity import EditionBook, jurisdiction_for_department

    from .models import RecordEdition, RuleEdition

    day = on or timezone.localdate()
    if not records:
        return {}
    editions = list(RuleEdition.objects.prefetch_related("rules").order_by("-effective_from"))
    by_id = {edition.pk: edition for edition in editions}
    stored = dict(
        RecordEdition.objects.filter(record_id__in=[r.pk for r in records]).values_list(
            "record_id", "edition_id"
        )
    )
    subject_ids = {r.subject_id for r in records}
    bans = _active_bans(subject_ids, day)
    too_often = _listed_too_often(subject_ids, day=day, public=public)

    # Every choice of edition as rules.publicity makes it, over the editions loaded.
    book = EditionBook([e for e in editions if not e.reference_only])

    applied: dict[int, Any] = {}
    needs_clean: list[CreditRecord] = []
    for record in records:
        own = book.in_force(jurisdiction_for_department(record.department), record.decision_date)
        applied[record.pk] = by_id.get(stored.get(record.pk, 0)) or book.national_for(
            record.decision_date
        )
        # The clean-record condition is a repair rule of the department's jurisdiction
        # (rules.md §8.1): read from the edition applied or the jurisdiction's own edition.
        if any(getattr(e, "repair_needs_clean_record", False) for e in (applied[record.pk], own)):
            needs_clean.append(record)
    blocked = _later_negative(needs_clean, until=applied_on or day, public=public)
    taxes = TaxAnswers.load(records, day=day)

    result: dict[int, Eligibility] = {}
    for record in records:
        result[record.pk] = _record(
            record,
            day=day,
            edition=applied[record.pk],
            ban_end=bans.get(record.subject_id),
            listed_too_often=record.subject_id in too_often,
            blocked=blocked.get(record.pk, ""),
            taxes=taxes,
        )
    return result


def record_eligibility(record: CreditRecord, *, on: dt.date | None = None) -> Eligibility:
    """One record's answer as the public may be told it (rules.md §3.7)."""
    return records_eligibility([record], on=on)[record.pk]


def _record(
    record: CreditRecord,
    *,
    day: dt.date,
    edition: Any,
    ban_end: dt.date | None,
    listed_too_often: bool,
    blocked: str = "",
    taxes: TaxAnswers | None = None,
) -> Eligibility:
    from .models import PublicityRule

    name = _edition_name(edition) if edition is not None else ""
    code = edition.code if edition is not None else ""
    taxes = taxes or TaxAnswers()

    def never(reason: str) -> Eligibility:
        return Eligibility(NEVER, None, [reason], name, code)

    if is_d_rating(record):
        return _d_rating(record, day=day, ban_end=ban_end, listed_too_often=listed_too_often)
    if not record.is_negative:
        return never(_("Only negative information is repaired."))
    if record.state == RecordState.REPAIRED:
        return never(_("This information has already been repaired."))
    if record.state not in (RecordState.ACTIVE, RecordState.UNDER_OBJECTION):
        return never(_("This information is no longer published."))
    if record.is_permanent:
        return never(_("This information is published permanently and cannot be repaired."))
    if listed_too_often:
        return never(
            _(
                "Credit repair is refused while the subject is on a list it has been put on "
                "too often."
            )
        )
    rule = None
    if edition is not None:
        info_kind = (
            PublicityRule.InfoKind.PENALTY
            if record.kind == "penalty"
            else PublicityRule.InfoKind.CONDUCT
        )
        rules = {r.info_kind: r for r in edition.rules.all() if r.severity == record.severity}
        rule = rules.get(info_kind) or rules.get(PublicityRule.InfoKind.ANY)
    if rule is None:
        months = FALLBACK_MONTHS.get(record.severity, 6)  # type: ignore[call-overload]
        name = _(
            "National Measures for the Administration of Credit Repair: 3 months of publicity "
            "for minor or general information, 6 months for serious information; permanent "
            "information cannot be repaired."
        )
        code = ""
    elif not rule.repair_allowed:
        return never(_("The rule edition applied allows no credit repair of this information."))
    if blocked:
        reasons = [blocked]
        if ban_end is not None and ban_end > day:
            reasons.append(
                _("A false repair commitment bars credit repair until %(date)s.")
                % {"date": ban_end.isoformat()}
            )
        return Eligibility(NEVER, None, reasons, name, code)
    if rule is not None:
        months = rule.repair_min_months
    earliest = record.decision_date + relativedelta(months=months)
    reasons = [
        _("Minimum publicity before repair: %(n)d months from the decision (%(date)s).")
        % {"n": months, "date": earliest.isoformat()}
    ]
    earliest = taxes.limit(record, earliest, reasons)
    status, earliest = _finish(earliest, day, reasons, ban_end)
    return Eligibility(status, earliest, reasons, name, code)


def _d_rating(
    record: CreditRecord, *, day: dt.date, ban_end: dt.date | None, listed_too_often: bool
) -> Eligibility:
    """A tax department's D rating (rules.md §8.1): repaired once the conduct is corrected
    (the unit's opinion says so), never lifted to A."""
    name = _("State Taxation Administration: Announcement on Matters Relating to Tax Credit Repair")

    def never(reason: str) -> Eligibility:
        return Eligibility(NEVER, None, [reason], name, "")

    if record.state == RecordState.REPAIRED:
        return never(_("This information has already been repaired."))
    if record.state not in (RecordState.ACTIVE, RecordState.UNDER_OBJECTION):
        return never(_("This information is no longer published."))
    if listed_too_often:
        return never(
            _(
                "Credit repair is refused while the subject is on a list it has been put on "
                "too often."
            )
        )
    reasons = [capped_note(record.tax_year)]
    status, earliest = _finish(record.decision_date, day, reasons, ban_end)
    return Eligibility(status, earliest, reasons, name, "")


def entry_eligibility(
    entry: ListEntry, *, on: dt.date | None = None, officials: bool = False
) -> Eligibility:
    """A list entry: removed early by repair only where its list allows it, not listed
    too often, listed for the list's minimum time, on a list of market regulation no new
    heavier penalty since listing (rules.md §5.3), and no false-commitment ban. The
    answer is about this entry alone: shown to the public only for an entry the public
    sees (``lists.queries.public_entries_of``); it names a blocking penalty only if that
    is public, unless ``officials`` (the grant's check)."""
    from lists.early_removal import heavier_penalty_blocks
    from lists.models import ListEntry

    day = on or timezone.localdate()
    credit_list = entry.credit_list
    name = str(
        credit_list.name_en if (get_language() or "").startswith("en") else credit_list.name_zh
    )

    def never(reason: str) -> Eligibility:
        return Eligibility(NEVER, None, [reason], name, credit_list.slug)

    if entry.status != ListEntry.Status.LISTED:
        return never(_("Only an entry in force on a list is removed by credit repair."))
    if not credit_list.repair_allowed:
        return never(_("Entries of this list are not removed early by credit repair."))
    limit = credit_list.repair_forbidden_times_listed
    if limit and entry.times_listed >= limit:
        return never(
            _("Credit repair is refused: the subject has been listed %(n)d times.")
            % {"n": entry.times_listed}
        )
    blocking = heavier_penalty_blocks(entry, until=day, public=not officials)
    if blocking:
        return never(blocking)
    earliest = entry.listed_on or day
    reasons: list[str] = []
    if credit_list.repair_min_months:
        earliest = earliest + relativedelta(months=credit_list.repair_min_months)
        reasons.append(
            _("Minimum time on the list before repair: %(n)d months (%(date)s).")
            % {"n": credit_list.repair_min_months, "date": earliest.isoformat()}
        )
    status, earliest = _finish(
        earliest, day, reasons, _active_bans({entry.subject_id}, day).get(entry.subject_id)
    )
    return Eligibility(status, earliest, reasons, name, credit_list.slug)
