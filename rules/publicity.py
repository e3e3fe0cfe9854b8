"""Publicity periods, what is not published and retention, from the dated rule editions
(docs/rules.md §6, §12).

``publicity_end_for`` returns a record's ``Publicity``: its end (None where permanent),
the national edition that set it (ruling R1: the NDRC's editions bind every credit
website, whatever the department), the department's own edition (Zhejiang's for
provincial and local departments, SAMR's for market regulation) whose sector rules say
what is not published at all, and, where the information is kept but not published, why.
``EditionBook`` makes every choice of edition, for one record or for the ten million of
``manage.py recompute_publicity``. ``enterprises.services.record_create`` calls it
(through ``enterprises.publicity.publicity_for_record``) when the caller gives no end date
and keeps the choice in ``RecordEdition``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from core.exceptions import DomainError

from .kinds import NEGATIVE_KINDS, RecordKind
from .models import Jurisdiction, PublicityRule, RuleEdition

if TYPE_CHECKING:
    from core.models import Department


class NoEditionInForce(DomainError):
    """No rule edition covers the decision date: the end date must be given by hand."""


class NotNegativeInformation(DomainError):
    """The edition says this is not negative information (Zhejiang: simplified procedure)."""


@dataclass(frozen=True)
class Publicity:
    """``end`` is None for permanent publicity. Unpacks as ``(end, edition)``.

    ``edition`` is the national edition that set the period (rules.md §6.1);
    ``local_edition`` the department's own edition (Zhejiang, SAMR) whose sector rules
    apply on top. ``published`` is False where the information is kept but never
    published (rules.md §6.5), with the reason."""

    end: dt.date | None
    edition: RuleEdition
    rule: PublicityRule | None = None
    permanent_reason: str = ""
    decision_date: dt.date | None = None
    local_edition: RuleEdition | None = None
    published: bool = True
    unpublished_reason: str = ""

    def __iter__(self) -> Iterator[object]:
        return iter((self.end, self.edition))

    @property
    def repair_from(self) -> dt.date | None:
        """The earliest day an application for repair may be made, None if never."""
        if not self.published:
            return None
        if self.end is None or self.rule is None or not self.rule.repair_allowed:
            return None
        if self.decision_date is None:
            return None
        return self.decision_date + relativedelta(months=self.rule.repair_min_months)


def jurisdiction_for_department(department: Department) -> str:
    """Whose sector rules a department follows (rules.md §6.1): market regulation SAMR's,
    national departments (the State Taxation Administration's Zhejiang branch among them)
    none beyond the national ones, provincial and local departments Zhejiang's."""
    if department.is_market_regulation:
        return Jurisdiction.SAMR
    if department.level == "national":
        return Jurisdiction.NATIONAL
    return Jurisdiction.ZHEJIANG


class EditionBook:
    """The applicable rule editions (never the reference-only ones) with their publicity
    rules, loaded once (two queries): every choice of edition is made here, for one record
    or for ten million (``manage.py recompute_publicity``)."""

    def __init__(self, editions: list[RuleEdition]) -> None:
        # Latest start first: where two editions of a jurisdiction overlap, it wins.
        self.editions = sorted(editions, key=lambda e: e.effective_from, reverse=True)
        self.by_id = {e.pk: e for e in self.editions}

    @classmethod
    def load(cls) -> EditionBook:
        return cls(list(RuleEdition.objects.filter(reference_only=False).prefetch_related("rules")))

    def in_force(self, jurisdiction: str, on: dt.date) -> RuleEdition | None:
        for edition in self.editions:
            if edition.jurisdiction == jurisdiction and edition.in_force_on(on):
                return edition
        return None

    def national_for(self, on: dt.date) -> RuleEdition | None:
        """The national edition setting the publicity of information decided on ``on``
        (rules.md §6.1): the one in force then or, before the first, the first."""
        found = self.in_force(Jurisdiction.NATIONAL, on)
        if found is None:
            later = [
                e
                for e in self.editions
                if e.jurisdiction == Jurisdiction.NATIONAL and e.effective_from > on
            ]
            found = later[-1] if later else None
        return found

    def retention_editions(self) -> list[RuleEdition]:
        """Zhejiang's editions that set a retention period, oldest first (rules.md §6.6)."""
        return sorted(
            (
                e
                for e in self.editions
                if e.jurisdiction == Jurisdiction.ZHEJIANG and e.retention_months is not None
            ),
            key=lambda e: e.effective_from,
        )

    def rule(self, edition: RuleEdition, kind: str, severity: str) -> PublicityRule | None:
        rules = {r.info_kind: r for r in edition.rules.all() if r.severity == severity}
        return rules.get(_info_kind(kind)) or rules.get(PublicityRule.InfoKind.ANY)

    def publicity(
        self,
        *,
        kind: str,
        severity: str,
        decision_date: dt.date,
        jurisdiction: str = Jurisdiction.NATIONAL,
        penalty_type: str = "",
        simplified_procedure: bool = False,
    ) -> Publicity:
        """``publicity_end_for`` without the count of earlier serious penalties."""
        if kind not in NEGATIVE_KINDS:
            raise NotNegativeInformation(
                _("Only negative information has a publicity period."), field="kind"
            )
        edition = self.national_for(decision_date)
        if edition is None:
            raise NoEditionInForce(
                _("No rule edition was in force on %(date)s: give the end of publicity.")
                % {"date": decision_date.isoformat()},
                field="publicity_end",
            )
        local = (
            self.in_force(jurisdiction, decision_date)
            if jurisdiction != Jurisdiction.NATIONAL
            else None
        )
        rule = self.rule(edition, kind, severity)
        reason = _unpublished_reason(
            edition,
            local,
            rule,
            penalty_type=penalty_type if kind == RecordKind.PENALTY else "",
            simplified_procedure=simplified_procedure and kind == RecordKind.PENALTY,
        )
        if reason:
            # Kept for officials and the subject, never public; its "end" is the decision.
            return Publicity(
                decision_date,
                edition,
                rule,
                "",
                decision_date,
                local_edition=local,
                published=False,
                unpublished_reason=reason,
            )
        if penalty_type and penalty_type in (edition.permanent_penalty_types or []):
            return Publicity(
                None,
                edition,
                rule,
                _("Permanent by the kind of penalty."),
                decision_date,
                local_edition=local,
            )
        if rule is None:
            raise NoEditionInForce(
                _("%(edition)s has no publicity period for this information: give the end date.")
                % {"edition": edition.name_zh},
                field="publicity_end",
            )
        return Publicity(
            decision_date + relativedelta(months=rule.publicity_months),
            edition,
            rule,
            "",
            decision_date,
            local_edition=local,
        )


def edition_in_force(
    jurisdiction: str, on: dt.date, *, fallback: bool = True
) -> RuleEdition | None:
    """The edition of ``jurisdiction`` in force on ``on``; the latest start wins if two
    overlap. Editions kept for reference only are never applied. With ``fallback`` a
    jurisdiction without one falls back to the national edition."""
    book = EditionBook.load()
    found = book.in_force(jurisdiction, on)
    if found is None and fallback:
        found = book.in_force(Jurisdiction.NATIONAL, on)
    return found


def national_edition_for(on: dt.date) -> RuleEdition | None:
    """The national edition that sets the publicity of information decided on ``on``
    (rules.md §6.1, ruling R1)."""
    return EditionBook.load().national_for(on)


def _info_kind(kind: str) -> str:
    return (
        PublicityRule.InfoKind.PENALTY
        if kind == RecordKind.PENALTY
        else PublicityRule.InfoKind.CONDUCT
    )


# How many serious penalties a subject had in a window: the records live in a higher
# layer (enterprises), which registers the counter in its AppConfig.ready().
SeriousPenaltyCounter = Callable[..., int]
_serious_penalty_counter: SeriousPenaltyCounter | None = None


def register_serious_penalty_counter(counter: SeriousPenaltyCounter) -> None:
    """Set the function counting a subject's serious penalties in a window (keyword
    arguments ``subject_id``, ``decision_date``, ``months``, ``exclude_record_id``)."""
    global _serious_penalty_counter
    _serious_penalty_counter = counter


def serious_penalties_in_window(
    *, subject_id: int, decision_date: dt.date, months: int, exclude_record_id: int | None = None
) -> int:
    """Serious penalties of the subject decided in the ``months`` before ``decision_date``
    (inclusive), not counting revoked ones, by the registered counter."""
    if _serious_penalty_counter is None:
        raise RuntimeError("No serious-penalty counter registered (is enterprises installed?)")
    return _serious_penalty_counter(
        subject_id=subject_id,
        decision_date=decision_date,
        months=months,
        exclude_record_id=exclude_record_id,
    )


def _unpublished_reason(
    edition: RuleEdition,
    local: RuleEdition | None,
    rule: PublicityRule | None,
    *,
    penalty_type: str,
    simplified_procedure: bool,
) -> str:
    """Why such information is kept but not published (rules.md §6.5), or ""."""
    if simplified_procedure and local is not None and not local.simplified_procedure_negative:
        return _(
            "Decided under the simplified procedure: not negative information under %(edition)s."
        ) % {"edition": local.name_zh}
    if (
        local is not None
        and penalty_type
        and penalty_type in (local.unpublished_penalty_types or [])
    ):
        return _("Not published under %(edition)s (%(document)s).") % {
            "edition": local.name_zh,
            "document": local.document or local.code,
        }
    if rule is not None and not rule.published:
        return _("Minor information is not published under %(edition)s.") % {
            "edition": edition.name_zh
        }
    return ""


def publicity_end_for(
    *,
    kind: str,
    severity: str,
    decision_date: dt.date,
    jurisdiction: str = Jurisdiction.NATIONAL,
    penalty_type: str = "",
    subject_id: int | None = None,
    legal_person: bool = True,
    simplified_procedure: bool = False,
    exclude_record_id: int | None = None,
) -> Publicity:
    """The publicity of a negative record decided on ``decision_date`` (rules.md §6).

    The period comes from the national edition for that date, whatever the department
    (ruling R1); ``jurisdiction`` (the department's, ``jurisdiction_for_department``)
    picks the department's own edition, whose sector rules say what is not published at
    all (SAMR warnings, Zhejiang's simplified procedure, rules.md §6.5). Permanent (end
    None): the penalty types the edition lists (rules.md §6.3) and, where an applicable
    edition says so, a legal person's n-th serious penalty within a window. Otherwise
    the decision date plus the edition's months for the kind of information and severity.
    """
    result = EditionBook.load().publicity(
        kind=kind,
        severity=severity,
        decision_date=decision_date,
        jurisdiction=jurisdiction,
        penalty_type=penalty_type,
        simplified_procedure=simplified_procedure,
    )
    if not result.published or result.end is None:
        return result
    edition, rule, local = result.edition, result.rule, result.local_edition
    if (
        kind == RecordKind.PENALTY
        and severity == "serious"
        and legal_person
        and subject_id is not None
        and edition.serious_permanent_count
    ):
        earlier = serious_penalties_in_window(
            subject_id=subject_id,
            decision_date=decision_date,
            months=edition.serious_permanent_window_months,
            exclude_record_id=exclude_record_id,
        )
        if earlier + 1 >= edition.serious_permanent_count:
            return Publicity(
                None,
                edition,
                rule,
                _("Permanent: %(n)d or more serious penalties within %(months)d months.")
                % {
                    "n": edition.serious_permanent_count,
                    "months": edition.serious_permanent_window_months,
                },
                decision_date,
                local_edition=local,
            )
    return result
