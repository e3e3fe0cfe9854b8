"""Publicity periods and repair minimums from the dated rule editions (rules.md §6, §12).

``publicity_end_for`` picks the edition of the jurisdiction in force on the record's
decision date (the date the law says counts) and returns the end of publicity, or
None where publicity is permanent, together with the edition, so that the file can
show which one applied. ``enterprises.services.record_create`` calls it (through
``enterprises.publicity.publicity_for_record``) when the caller gives no end date and
keeps the choice in ``RecordEdition``.

Which jurisdiction's rules a department follows (``jurisdiction_for_department``):
market-regulation departments follow SAMR's own publicity rules (a sector rule), other
national departments the national measures, provincial and local departments
Zhejiang's regulation. Where a jurisdiction has no edition in force on the date, the
national edition applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.db.models import Q
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
    """``end`` is None for permanent publicity. Unpacks as ``(end, edition)``."""

    end: dt.date | None
    edition: RuleEdition
    rule: PublicityRule | None = None
    permanent_reason: str = ""
    decision_date: dt.date | None = None

    def __iter__(self) -> Iterator[object]:
        return iter((self.end, self.edition))

    @property
    def repair_from(self) -> dt.date | None:
        """The earliest day an application for repair may be made, None if never."""
        if self.end is None or self.rule is None or not self.rule.repair_allowed:
            return None
        if self.decision_date is None:
            return None
        return self.decision_date + relativedelta(months=self.rule.repair_min_months)


def jurisdiction_for_department(department: Department) -> str:
    if department.is_market_regulation:
        return Jurisdiction.SAMR
    if department.level == "national":
        return Jurisdiction.NATIONAL
    return Jurisdiction.ZHEJIANG


def edition_in_force(jurisdiction: str, on: dt.date) -> RuleEdition | None:
    """The edition of ``jurisdiction`` in force on ``on``; the latest start wins if two
    overlap. Falls back to the national edition."""
    for wanted in dict.fromkeys([jurisdiction, Jurisdiction.NATIONAL]):
        edition = (
            RuleEdition.objects.filter(jurisdiction=wanted, effective_from__lte=on)
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
            .order_by("-effective_from")
            .first()
        )
        if edition is not None:
            return edition
    return None


def _info_kind(kind: str) -> str:
    return (
        PublicityRule.InfoKind.PENALTY
        if kind == RecordKind.PENALTY
        else PublicityRule.InfoKind.CONDUCT
    )


def _rule(edition: RuleEdition, kind: str, severity: str) -> PublicityRule | None:
    rules = {r.info_kind: r for r in edition.rules.filter(severity=severity)}
    return rules.get(_info_kind(kind)) or rules.get(PublicityRule.InfoKind.ANY)


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
    """End of publicity of a negative record under the edition in force on its decision date.

    Permanent (None): revoked licences, orders to close down, permanent restriction of
    production or business; and, where the edition says so, a legal person's third
    serious penalty within one year (rules.md §6.3). Otherwise the decision date plus
    the edition's publicity months for the kind of information and severity.
    """
    if kind not in NEGATIVE_KINDS:
        raise NotNegativeInformation(
            _("Only negative information has a publicity period."), field="kind"
        )
    edition = edition_in_force(jurisdiction, decision_date)
    if edition is None:
        raise NoEditionInForce(
            _("No rule edition was in force on %(date)s: give the end of publicity.")
            % {"date": decision_date.isoformat()},
            field="publicity_end",
        )
    if simplified_procedure and not edition.simplified_procedure_negative:
        raise NotNegativeInformation(
            _(
                "Under %(edition)s a penalty under the simplified procedure is not negative "
                "information."
            )
            % {"edition": edition.name_zh},
            field="kind",
        )
    rule = _rule(edition, kind, severity)
    if penalty_type and penalty_type in (edition.permanent_penalty_types or []):
        return Publicity(None, edition, rule, _("Permanent by the kind of penalty."), decision_date)
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
    )
