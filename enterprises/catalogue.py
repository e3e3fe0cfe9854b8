"""Writes with rules for the evaluation catalogue: validate, activate, copy an edition.

An edition is drafted (copied from the one in force and edited in the admin),
validated — each indicator's children sum to its weight and the primaries to the
edition's total (1000, rules.md §4.2) — and then activated, which retires the
edition in force in the same jurisdiction. Scores follow at the next rescoring.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_change, snapshot

from .models import Edition, Indicator

log = logging.getLogger(__name__)


def edition_problems(*, edition: Edition) -> list[str]:
    """Every reason the edition cannot be activated (empty when it can)."""
    indicators = list(edition.indicators.select_related("rule").order_by("position", "code"))
    problems: list[str] = []
    children: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        children.setdefault(indicator.parent_id, []).append(indicator)
    primaries = children.get(None, [])
    if any(i.level != Indicator.Level.PRIMARY for i in primaries):
        problems.append(_("Only primary indicators may be without a parent."))
    total = sum(i.weight for i in primaries)
    if total != edition.total:
        problems.append(
            _("The primary indicators sum to %(sum)d, not %(total)d.")
            % {"sum": total, "total": edition.total}
        )
    for indicator in indicators:
        kids = children.get(indicator.pk, [])
        if indicator.level == Indicator.Level.TERTIARY:
            if kids:
                problems.append(
                    _("Tertiary indicator %(code)s cannot have children.")
                    % {"code": indicator.code}
                )
            rule = getattr(indicator, "rule", None)
            if rule is None:
                problems.append(_("Indicator %(code)s has no rule.") % {"code": indicator.code})
            continue
        if not kids:
            problems.append(
                _("Indicator %(code)s has no sub-indicators.") % {"code": indicator.code}
            )
            continue
        if any(kid.level != indicator.level + 1 for kid in kids):
            problems.append(
                _("The sub-indicators of %(code)s must be one level below it.")
                % {"code": indicator.code}
            )
        kid_sum = sum(kid.weight for kid in kids)
        if kid_sum != indicator.weight:
            problems.append(
                _("The sub-indicators of %(code)s sum to %(sum)d, not its weight %(weight)d.")
                % {"code": indicator.code, "sum": kid_sum, "weight": indicator.weight}
            )
        if any(kid.adds != indicator.adds for kid in kids):
            problems.append(
                _("The sub-indicators of %(code)s must all add or all deduct, like it.")
                % {"code": indicator.code}
            )
    return problems


def edition_validate(*, edition: Edition) -> None:
    problems = edition_problems(edition=edition)
    if problems:
        raise ValidationError({"indicators": problems})


def edition_activate(*, actor: Actor, edition: Edition) -> Edition:
    """Validate the edition, retire the one in force in its jurisdiction, activate it.

    Stored evaluations keep naming the edition they were computed with until the next
    rescoring (``manage.py rescore`` or the nightly job).
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status == Edition.Status.ACTIVE:
            return edition
        edition_validate(edition=edition)
        for current in Edition.objects.select_for_update().filter(
            jurisdiction=edition.jurisdiction, status=Edition.Status.ACTIVE
        ):
            before = snapshot(current)
            current.status = Edition.Status.RETIRED
            current.save(update_fields=["status"])
            audit_change(actor=actor, instance=current, before=before, reason="superseded")
        before = snapshot(edition)
        edition.status = Edition.Status.ACTIVE
        edition.activated_at = timezone.now()
        edition.save(update_fields=["status", "activated_at"])
        audit_change(actor=actor, instance=edition, before=before, reason="activated")
    log.info("edition.activated edition=%s actor=%s", edition.code, actor.label)
    return edition


def edition_copy(
    *, actor: Actor, edition: Edition, code: str, name_zh: str, name_en: str
) -> Edition:
    """A draft copy of ``edition`` (indicators and rules) to edit into the next one."""
    with transaction.atomic():
        copy = Edition(
            code=code,
            jurisdiction=edition.jurisdiction,
            name_zh=name_zh,
            name_en=name_en,
            source=edition.source,
            status=Edition.Status.DRAFT,
            total=edition.total,
            grade_a_min=edition.grade_a_min,
            grade_b_min=edition.grade_b_min,
            grade_c_min=edition.grade_c_min,
            grade_d_min=edition.grade_d_min,
        )
        copy.full_clean()
        copy.save()
        new_ids: dict[int, Indicator] = {}
        for indicator in edition.indicators.select_related("rule").order_by("level", "position"):
            rule = getattr(indicator, "rule", None)
            old_pk = indicator.pk
            indicator.pk = None
            indicator.id = None
            indicator.edition = copy
            indicator.parent = new_ids[indicator.parent_id] if indicator.parent_id else None
            indicator.save()
            new_ids[old_pk] = indicator
            if rule is not None:
                rule.pk = None
                rule.id = None
                rule.indicator = indicator
                rule.save()
        audit_change(actor=actor, instance=copy, before=None, reason=f"copy of {edition.code}")
    return copy
