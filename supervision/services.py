"""Writes with rules of “two randoms, one public” (rules.md §9); the credit-commitment
lifecycle (rules.md §10) lives in ``supervision.commitments`` and is re-exported here.

A draw is reproducible: its seed is derived from public plan data, the pool it drew from
is stored as a snapshot (with the method it was drawn by), and ``draw_select`` — a pure
function of (seed, snapshot) — gives the result; ``draw_replay`` runs it again. Effects on
credit information go through ``enterprises.services`` (``record_create``); every step is
audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.audit import audit_append, audit_change, snapshot
from enterprises.models import (
    Disclosure,
    Evaluation,
    Grade,
    Severity,
    Subject,
)
from enterprises.services import record_create
from lists.queries import active_entries
from rules.kinds import RecordKind

from .commitments import (  # noqa: F401 - re-exported: callers use supervision.services
    COMMITMENT_FIELDS,
    COMMITMENTS_JOB,
    CommitmentNotAllowed,
    CommitmentsResult,
    commitment_check,
    commitment_create,
    commitment_fulfil,
    commitment_refusal,
    commitments_unfulfilled_process,
)
from .common import DrawError, _check_department, _user_of
from .models import (
    DEFAULT_GRADE_SHARES,
    SCALE_BOUNDS,
    Conflict,
    Draw,
    DrawMethod,
    GradeShare,
    Inspection,
    InspectionPlan,
    Inspector,
    KeyIndustry,
    Outcome,
    PlanStatus,
    grade_shares_parse,
)

log = logging.getLogger(__name__)

# "As a principle, an entity should not be subjected to more than two random inspections
# within a year", except key industries and black-listed entities (rules.md §9, MOFCOM
# implementing rules 2018).
YEARLY_CAP = 2
# Grade of a subject without an evaluation (natural persons, newcomers): the middle one.
UNRATED_GRADE = Grade.C
# Grade strata in the order a stratified draw visits them (rules.md §9.2).
GRADES: tuple[str, ...] = tuple(Grade.values)
_INACTIVE_STATUSES = (Subject.RegistrationStatus.REVOKED, Subject.RegistrationStatus.CANCELLED)


# --- The pure draw -----------------------------------------------------------------------


def weighted_sample(rng: random.Random, items: Sequence[Sequence[Any]], n: int) -> list[int]:
    """Weighted sampling without replacement (Efraimidis–Spirakis, 2006).

    Only replays draws made before the stratified rule (rules.md §9.2: their pools record
    no method and give each subject its grade's weight). Each item ``(id, weight)`` gets
    the key ``log(u) / weight`` with ``u`` uniform in (0, 1]; the ``n`` largest keys win.
    Items are visited in the given order, so the same ``rng`` state and list give the same
    sample.
    """
    if n <= 0:
        return []
    keyed = []
    for position, (item_id, weight) in enumerate(items):
        u = 1.0 - rng.random()  # (0, 1]: log(0) is undefined
        keyed.append((math.log(u) / float(weight), -position, int(item_id)))
    keyed.sort(reverse=True)
    return [item_id for _key, _pos, item_id in keyed[:n]]


def share_text(share: Decimal | Fraction | str) -> str:
    """A share as stored in a pool snapshot: an exact decimal string, e.g. "0.03"."""
    return format(Decimal(str(share)).normalize(), "f")


def stratum_quotas(
    sizes: Mapping[str, int], shares: Mapping[str, Any], total: int | None
) -> dict[str, int]:
    """How many subjects each grade stratum gives to a non-targeted draw (rules.md §9.2).

    Without ``total``: share × stratum size, rounded half up. With ``total`` (the plan's
    sample size or ratio): that many, spread over the strata in proportion to share ×
    stratum size by largest remainders (a tie goes to the lower grade); a stratum whose
    part reaches its size gives all its subjects and the rest is spread over the others.
    A stratum with share 0 gives nobody. Exact rational arithmetic, so the same snapshot
    gives the same quotas anywhere.
    """
    share = {g: Fraction(str(shares.get(g, 0))) for g in GRADES}
    size = {g: int(sizes.get(g, 0)) for g in GRADES}
    if total is None:
        half = Fraction(1, 2)
        return {g: min(size[g], math.floor(share[g] * size[g] + half)) for g in GRADES}
    quotas = dict.fromkeys(GRADES, 0)
    open_strata = [g for g in GRADES if size[g] > 0 and share[g] > 0]
    remaining = min(int(total), sum(size[g] for g in open_strata))
    while remaining > 0:  # ends: each pass fills a stratum or settles the rest
        weight = sum(share[g] * size[g] for g in open_strata)
        ideal = {g: remaining * share[g] * size[g] / weight for g in open_strata}
        full = [g for g in open_strata if ideal[g] >= size[g]]
        for g in full:
            quotas[g] = size[g]
            remaining -= size[g]
            open_strata.remove(g)
        if full:
            continue
        for g in open_strata:
            quotas[g] = math.floor(ideal[g])
        left = remaining - sum(quotas[g] for g in open_strata)
        by_remainder = sorted(
            open_strata, key=lambda g: (ideal[g] - quotas[g], GRADES.index(g)), reverse=True
        )
        for g in by_remainder[:left]:
            quotas[g] += 1
        remaining = 0
    return quotas


def _stratum_sizes(subjects: Sequence[Sequence[Any]]) -> dict[str, int]:
    sizes = dict.fromkeys(GRADES, 0)
    for _pk, grade in subjects:
        sizes[str(grade)] += 1
    return sizes


def _select_subjects(
    rng: random.Random, pool: Mapping[str, Any]
) -> tuple[list[int], dict[str, int] | None]:
    """The drawn subjects in draw order, and for a stratified draw the count per grade."""
    method = pool.get("method") or DrawMethod.WEIGHTED
    if method == DrawMethod.WEIGHTED:
        return weighted_sample(rng, pool["subjects"], int(pool["size"])), None
    if method == DrawMethod.UNIFORM:
        ids = [int(pk) for pk, _grade in pool["subjects"]]
        return rng.sample(ids, min(int(pool["size"]), len(ids))), None
    if method == DrawMethod.STRATIFIED:
        quotas = stratum_quotas(_stratum_sizes(pool["subjects"]), pool["shares"], pool["total"])
        chosen: list[int] = []
        for grade in GRADES:
            stratum = [int(pk) for pk, g in pool["subjects"] if g == grade]
            chosen += rng.sample(stratum, quotas[grade])
        return chosen, quotas
    raise DrawError(_("Unknown draw method %(method)s.") % {"method": method}, field="pool")


def draw_select(*, seed: str, pool: Mapping[str, Any]) -> dict[str, Any]:
    """The result of a draw from its seed and pool snapshot (a pure function).

    ``pool``: ``method`` (rules.md §9.2), ``subjects`` [[id, grade], …] in id order,
    ``inspectors`` [id, …], ``conflicts`` [[inspector, subject], …], ``previous``
    {subject: [inspector, …]} (the subject's last inspection), ``per_object``, and:

    - ``stratified`` (non-targeted plans): ``shares`` {grade: "0.03", …} and ``total``
      (the plan's sample size, or null); each grade stratum, A to E, gives
      ``stratum_quotas`` subjects drawn uniformly without replacement;
    - ``uniform`` (targeted plans): ``size`` subjects drawn uniformly without replacement;
    - no method (draws made before the stratified rule): ``subjects`` [[id, weight], …]
      and ``size``, drawn by ``weighted_sample``.

    Inspectors are then drawn uniformly from those without a conflict, and never as
    exactly the previous set, object by object in draw order.
    """
    rng = random.Random(seed)
    per_object = int(pool["per_object"])
    chosen_subjects, quotas = _select_subjects(rng, pool)
    conflicts = {(int(i), int(s)) for i, s in pool.get("conflicts", [])}
    previous = {int(s): set(ids) for s, ids in pool.get("previous", {}).items()}
    inspectors = [int(i) for i in pool["inspectors"]]
    objects = []
    for subject_id in chosen_subjects:
        eligible = [i for i in inspectors if (i, subject_id) not in conflicts]
        if len(eligible) < per_object:
            raise DrawError(
                _("Not enough inspectors without a conflict for subject %(id)s.")
                % {"id": subject_id},
                field="inspectors",
            )
        last = previous.get(subject_id, set())
        if len(eligible) == per_object and set(eligible) == last:
            raise DrawError(
                _("Only the previous inspectors of subject %(id)s are available.")
                % {"id": subject_id},
                field="inspectors",
            )
        team = rng.sample(eligible, per_object)
        while set(team) == last:  # ends: another set exists (checked above)
            team = rng.sample(eligible, per_object)
        objects.append({"subject": subject_id, "inspectors": sorted(team)})
    result: dict[str, Any] = {"objects": objects}
    if quotas is not None:
        result["strata"] = quotas
    return result


# --- Pools ---------------------------------------------------------------------------------


def grade_shares(plan: InspectionPlan | None = None) -> dict[str, Decimal]:
    """Share drawn per grade stratum (rules.md §9.2): the defaults, the GradeShare table
    over them, and the plan's own ``grade_shares`` over both."""
    shares = dict(DEFAULT_GRADE_SHARES)
    shares.update(GradeShare.objects.values_list("grade", "share"))
    if plan is not None:
        shares.update(grade_shares_parse(plan.grade_shares))
    return shares


def _current_inspections(*, exclude_draw: Draw | None) -> Any:
    inspections = Inspection.objects.filter(draw__superseded_by__isnull=True)
    if exclude_draw is not None:
        inspections = inspections.exclude(draw=exclude_draw)
    return inspections


def _capped_subjects(*, year: int, exclude_draw: Draw | None) -> set[int]:
    """Subjects already drawn YEARLY_CAP times in plans of ``year`` (superseded draws and
    the one being replaced do not count)."""
    rows = (
        _current_inspections(exclude_draw=exclude_draw)
        .filter(draw__plan__period_start__year=year)
        .values("subject_id")
        .annotate(n=Count("id"))
        .filter(n__gte=YEARLY_CAP)
    )
    return {row["subject_id"] for row in rows}


def _exempt_subjects(subject_ids: set[int], *, on: dt.date) -> set[int]:
    """Key industries and subjects on an active black list may exceed the yearly cap."""

    key_industries = set(KeyIndustry.objects.values_list("industry_id", flat=True))
    exempt = set(
        Subject.objects.filter(pk__in=subject_ids, industry_id__in=key_industries).values_list(
            "pk", flat=True
        )
    )
    exempt |= set(
        active_entries(on=on)
        .filter(subject_id__in=subject_ids, credit_list__color="black")
        .values_list("subject_id", flat=True)
    )
    return exempt


def _candidate_subjects(plan: InspectionPlan) -> Any:
    subjects = Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON).exclude(
        registration_status__in=_INACTIVE_STATUSES
    )
    if plan.targeted:
        if plan.industry_id:
            subjects = subjects.filter(industry_id=plan.industry_id)
        if plan.region_prefix:
            subjects = subjects.filter(region__code__startswith=plan.region_prefix)
        if plan.scale:
            low, high = SCALE_BOUNDS[plan.scale]
            subjects = subjects.filter(registered_capital__gte=low)
            if high is not None:
                subjects = subjects.filter(registered_capital__lt=high)
    return subjects


def pool_build(
    plan: InspectionPlan, *, exclude_draw: Draw | None = None, on: dt.date | None = None
) -> dict[str, Any]:
    """The pool a draw of ``plan`` chooses from, as a JSON snapshot (see ``draw_select``)."""
    day = on or timezone.localdate()
    year = plan.period_start.year
    ids = set(_candidate_subjects(plan).values_list("pk", flat=True))
    grades = dict(Evaluation.objects.filter(subject_id__in=ids).values_list("subject_id", "grade"))
    if plan.targeted and plan.grades:
        ids = {pk for pk in ids if grades.get(pk, UNRATED_GRADE) in plan.grades}
    capped = _capped_subjects(year=year, exclude_draw=exclude_draw) & ids
    if capped:
        ids -= capped - _exempt_subjects(capped, on=day)
    subjects = [[pk, grades.get(pk, UNRATED_GRADE)] for pk in sorted(ids)]
    total: int | None = None
    if plan.sample_size is not None:
        total = plan.sample_size
    elif plan.sample_ratio is not None:
        total = math.ceil(Fraction(str(plan.sample_ratio)) * len(subjects))
    method: dict[str, Any]
    if plan.targeted:
        # Targeted: the filtered pool, every subject the same chance (rules.md §9.2).
        method = {"method": DrawMethod.UNIFORM.value, "size": min(total or 0, len(subjects))}
    else:
        # Non-targeted: each grade stratum its share, uniformly within it (rules.md §9.2).
        shares = {g: share_text(v) for g, v in grade_shares(plan).items()}
        sizes = _stratum_sizes(subjects)
        quotas = stratum_quotas(sizes, shares, total)
        method = {
            "method": DrawMethod.STRATIFIED.value,
            "shares": shares,
            "strata": sizes,
            "total": total,
            "size": sum(quotas.values()),
        }
    inspectors = sorted(
        inspector.pk
        for inspector in Inspector.objects.filter(department=plan.department, active=True)
        if inspector.competent_for(plan.competence)
    )
    drawn = [pk for pk, _grade in subjects]
    conflicts = sorted(
        [i, s]
        for i, s in Conflict.objects.filter(
            inspector_id__in=inspectors, subject_id__in=drawn
        ).values_list("inspector_id", "subject_id")
    )
    previous: dict[str, list[int]] = {}
    latest = (
        _current_inspections(exclude_draw=exclude_draw)
        .filter(subject_id__in=drawn)
        .order_by("subject_id", "-draw__created_at", "-id")
        .prefetch_related("inspectors")
    )
    for inspection in latest:
        key = str(inspection.subject_id)
        if key not in previous:
            previous[key] = sorted(i.pk for i in inspection.inspectors.all())
    return {
        **method,
        "subjects": subjects,
        "inspectors": inspectors,
        "conflicts": conflicts,
        "previous": previous,
        "per_object": plan.inspectors_per_object,
        "year": year,
    }


def plan_seed(plan: InspectionPlan, *, sequence: int) -> tuple[str, str]:
    """SHA-256 of public plan data: anyone can recompute it from the published plan."""
    published = plan.published_at.isoformat() if plan.published_at else ""
    source = f"{plan.pk}|{plan.period_start}|{plan.period_end}|{published}|{sequence}"
    return hashlib.sha256(source.encode()).hexdigest(), source


# --- Plans and draws -------------------------------------------------------------------------


def plan_publish(*, actor: Actor, plan: InspectionPlan) -> InspectionPlan:
    """Publish a plan; its publication time enters the seed of its draws."""
    _check_department(actor, plan.department_id)
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == PlanStatus.PUBLISHED:
            return plan
        plan.full_clean()
        before = snapshot(plan)
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = timezone.now().replace(microsecond=0)
        plan.save(update_fields=["status", "published_at"])
        audit_change(actor=actor, instance=plan, before=before)
    return plan


def draw_create(
    *,
    actor: Actor,
    plan: InspectionPlan,
    reason: str = "",
    supersedes: Draw | None = None,
    on: dt.date | None = None,
) -> Draw:
    """Draw objects and inspectors for a published plan.

    A plan has one current draw. Drawing again is a redraw: it names the draw it
    replaces and says why, is audited, and is refused once results are recorded.
    """
    _check_department(actor, plan.department_id)
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.PUBLISHED:
            raise DrawError(_("Publish the plan before drawing."), field="plan")
        current = plan.draws.current().first()
        if current is not None and (supersedes is None or supersedes.pk != current.pk):
            raise DrawError(
                _("This plan has a draw already; a redraw names it and gives a reason."),
                field="supersedes",
            )
        if supersedes is not None:
            if current is None or supersedes.pk != current.pk:
                raise DrawError(_("Only the current draw can be replaced."), field="supersedes")
            if not reason.strip():
                raise ValidationError({"reason": _("Say why the draw is made again.")})
            if supersedes.inspections.filter(inspected_on__isnull=False).exists():
                raise DrawError(
                    _("Results are recorded for this draw; it can no longer be replaced."),
                    field="supersedes",
                )
        pool = pool_build(plan, exclude_draw=supersedes, on=on)
        seed, source = plan_seed(plan, sequence=plan.draws.count())
        result = draw_select(seed=seed, pool=pool)
        user = _user_of(actor)
        draw = Draw.objects.create(
            plan=plan,
            seed=seed,
            seed_source=source,
            pool=pool,
            result=result,
            created_by=user,
            created_by_label=actor.label,
            reason=reason,
            supersedes=supersedes,
        )
        for item in result["objects"]:
            inspection = Inspection.objects.create(draw=draw, subject_id=item["subject"])
            inspection.inspectors.set(item["inspectors"])
        audit_append(
            actor=actor,
            action="create",
            object_type="supervision.draw",
            object_id=draw.pk,
            after={
                "plan": plan.pk,
                "seed": seed,
                "seed_source": source,
                "result": result,
                "supersedes": supersedes.pk if supersedes else None,
            },
            reason=reason,
        )
    log.info("draw.created draw=%s plan=%s objects=%s", draw.pk, plan.pk, len(result["objects"]))
    return draw


def draw_replay(draw: Draw) -> dict[str, Any]:
    """Recompute a draw from its recorded seed and pool snapshot (equals ``draw.result``),
    by the method the snapshot records; a snapshot without one is a weighted draw."""
    return draw_select(seed=draw.seed, pool=draw.pool)


def draw_publish(*, actor: Actor, draw: Draw) -> Draw:
    """Publish a draw (objects and inspectors); a published draw is never changed."""
    _check_department(actor, draw.plan.department_id)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.published:
            return draw
        if Draw.objects.filter(supersedes=draw).exists():
            raise DrawError(_("This draw was replaced by a redraw."), field="draw")
        draw.published = True
        draw.published_at = timezone.now()
        draw.save(update_fields=["published", "published_at"])
        audit_append(
            actor=actor,
            action="state",
            object_type="supervision.draw",
            object_id=draw.pk,
            before={"published": False},
            after={"published": True},
        )
    return draw


# --- Results ---------------------------------------------------------------------------------


def inspection_result_record(
    *,
    actor: Actor,
    inspection: Inspection,
    inspected_on: dt.date,
    outcome: str,
    findings: str = "",
    record_data: Mapping[str, Any] | None = None,
) -> Inspection:
    """Record the outcome of an inspection. A referral for penalty creates the negative
    record through ``record_create``, entered for the plan's department: an
    administrative penalty when ``record_data`` gives its type, otherwise "other
    administratively identified bad conduct" (indicator 4.1.4)."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose one of the listed outcomes.")})
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update()
            .select_related("draw__plan__department", "subject")
            .get(pk=inspection.pk)
        )
        department = inspection.draw.plan.department
        _check_department(actor, department.pk)
        if inspection.published_on is not None:
            raise DrawError(_("A published result cannot be changed."), field="outcome")
        if inspected_on < timezone.localdate(inspection.draw.created_at):
            raise ValidationError({"inspected_on": _("The inspection cannot be before the draw.")})
        before = snapshot(inspection)
        inspection.inspected_on = inspected_on
        inspection.outcome = outcome
        inspection.findings = findings
        if outcome == Outcome.REFERRED_FOR_PENALTY and inspection.penalty_record_id is None:
            data: dict[str, Any] = {
                "kind": RecordKind.OTHER_BAD_CONDUCT,
                "decision_date": inspected_on,
                "title": _("Random inspection: referred for penalty"),
                "content": findings,
                "severity": Severity.GENERAL,
                "disclosure": Disclosure.PUBLIC,
            }
            data.update(record_data or {})
            inspection.penalty_record = record_create(
                actor=actor,
                subject=inspection.subject,
                department=department,
                data=data,
                reason=_("Finding of random inspection %(id)s.") % {"id": inspection.pk},
            )
        inspection.save()
        audit_change(actor=actor, instance=inspection, before=before)
    return inspection


def inspection_publish(
    *, actor: Actor, inspection: Inspection, on: dt.date | None = None
) -> Inspection:
    """Publish an inspection result (due within 20 working days of the inspection)."""
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update()
            .select_related("draw__plan")
            .get(pk=inspection.pk)
        )
        _check_department(actor, inspection.draw.plan.department_id)
        if not inspection.outcome or inspection.inspected_on is None:
            raise DrawError(_("Record the outcome before publishing it."), field="outcome")
        if not inspection.draw.published:
            raise DrawError(_("Publish the draw before its results."), field="draw")
        if inspection.published_on is not None:
            return inspection
        before = snapshot(inspection)
        inspection.published_on = on or timezone.localdate()
        inspection.save(update_fields=["published_on"])
        audit_change(actor=actor, instance=inspection, before=before)
    return inspection
