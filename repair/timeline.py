"""A case as its applicant follows it (docs/rules.md §8.8): the steps with their dates and
deadlines, who acts next, the rules applied, and the decision letter. One reading for the
case page, the API and the downloadable letter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.site import site_name
from rules.workdays import add_working_days

from .eligibility import records_eligibility
from .models import Case, CaseKind, CaseState, Decision
from .services.common import (
    CARRY_OUT_DAYS,
    COMPLETENESS_DAYS,
    DECISION_DAYS,
    GREEN_CARRY_OUT_DAYS,
    GREEN_COMPLETENESS_DAYS,
    GREEN_DECISION_DAYS,
    OBJECTION_DAYS,
    OBJECTION_MAX_DAYS,
    PUBLICATION_DAYS,
)

DONE, CURRENT, PENDING, SKIPPED = "done", "current", "pending", "skipped"


@dataclass
class Step:
    key: str
    label: str
    status: str  # done, current, pending, skipped
    done_on: dt.date | None = None
    due_on: dt.date | None = None
    due_provisional: bool = False
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.key,
            "label": self.label,
            "status": self.status,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "due_provisional": self.due_provisional,
            "note": self.note,
        }


@dataclass
class Timeline:
    case: Case
    steps: list[Step]
    next_actor: str
    rules: list[str]
    items: list[str] = field(default_factory=list)
    refusal_objection_until: dt.date | None = None

    @property
    def refusal_objectable(self) -> bool:
        until = self.refusal_objection_until
        return until is not None and timezone.localdate() <= until


def _first_event_day(case: Case, state: str) -> dt.date | None:
    for event in case.events.all():
        if event.state == state:
            return timezone.localtime(event.at).date()
    return None


def _step(
    key: str, label: str, *, done: dt.date | None, current: bool, due: Any = None, note: str = ""
) -> Step:
    status = DONE if done is not None else (CURRENT if current else PENDING)
    due_on, provisional = (due if due else (None, False)) if done is None else (None, False)
    return Step(key, label, status, done, due_on, provisional, note)


def _repair_steps(case: Case) -> list[Step]:
    state = case.state
    due = (case.due_on, case.due_provisional) if case.due_on else None
    accepted = _first_event_day(case, CaseState.ACCEPTED)
    refused = state == CaseState.REFUSED
    steps = [
        Step("received", pgettext("case step", "Received"), DONE, case.received_on),
        _step(
            "material_complete",
            _("Material complete"),
            done=accepted,
            current=state in (CaseState.SUBMITTED, CaseState.INCOMPLETE),
            due=due if state == CaseState.SUBMITTED else None,
            note=_("Material incomplete: you complete it on this page.")
            if state == CaseState.INCOMPLETE
            else "",
        ),
        _step(
            "decided",
            _("Decided"),
            done=case.decided_on,
            current=state == CaseState.ACCEPTED,
            due=(case.decision_due, case.decision_due_provisional)
            if state == CaseState.ACCEPTED and case.decision_due
            else None,
            note=str(Decision(case.decision).label) if case.decision else "",
        ),
    ]
    if refused:
        steps += [
            Step("repaired", _("Repaired"), SKIPPED, note=_("Not carried out: refused.")),
            Step("published", _("Published for objections"), SKIPPED),
        ]
        return steps
    steps.append(
        _step(
            "repaired",
            _("Repaired"),
            done=case.carried_out_on,
            current=state == CaseState.GRANTED,
            due=due if state == CaseState.GRANTED else None,
        )
    )
    published = _step(
        "published",
        _("Published for objections"),
        done=case.closed_on if state == CaseState.CLOSED else None,
        current=state == CaseState.PUBLISHED,
        due=due if state == CaseState.PUBLISHED else None,
    )
    if case.publication_ends and state != CaseState.PUBLISHED:
        published.note = _("Published until %(day)s.") % {"day": case.publication_ends.isoformat()}
    if state == CaseState.REVERSED:
        published.status = SKIPPED
        published.note = _("The repair was reversed.")
    steps.append(published)
    return steps


def _objection_steps(case: Case) -> list[Step]:
    return [
        Step("received", pgettext("case step", "Received"), DONE, case.received_on),
        _step(
            "decided",
            _("Decided"),
            done=case.decided_on,
            current=case.state == CaseState.SUBMITTED,
            due=(case.decision_due, case.decision_due_provisional) if case.decision_due else None,
            note=str(Decision(case.decision).label) if case.decision else "",
        ),
    ]


def _next_actor(case: Case, refusal_until: dt.date | None) -> str:
    department = str(case.department)
    state = case.state
    if state == CaseState.INCOMPLETE:
        return _("You: complete the material.")
    if state == CaseState.SUBMITTED and case.kind == CaseKind.REPAIR:
        return _("%(department)s: checks that the material is complete.") % {
            "department": department
        }
    if state == CaseState.SUBMITTED:
        return _("%(department)s: decides the objection.") % {"department": department}
    if state == CaseState.ACCEPTED:
        return _("%(department)s: decides the application.") % {"department": department}
    if state == CaseState.GRANTED:
        return _("%(department)s: carries out the repair.") % {"department": department}
    if state == CaseState.PUBLISHED:
        return _("Anyone may object until the publication ends; then the case closes.")
    if state == CaseState.REFUSED and refusal_until and timezone.localdate() <= refusal_until:
        return _("You may object to the refusal until %(day)s.") % {
            "day": refusal_until.isoformat()
        }
    return _("Nobody: the case is finished.")


def _rules(case: Case, records: list[Any]) -> list[str]:
    if case.kind == CaseKind.OBJECTION:
        return [
            _(
                "Zhejiang Regulation on public credit information: decision within %(n)d "
                "working days of receipt, at most %(max)d when extended with a reason."
            )
            % {"n": OBJECTION_DAYS, "max": OBJECTION_MAX_DAYS}
        ]
    green = bool(case.green_channel)
    rules = [
        _(
            "Zhejiang credit repair measures: completeness checked within %(complete)d "
            "working days, decision within %(decide)d of acceptance, carried out within "
            "%(carry)d, published for %(publish)d."
        )
        % {
            "complete": GREEN_COMPLETENESS_DAYS if green else COMPLETENESS_DAYS,
            "decide": GREEN_DECISION_DAYS if green else DECISION_DAYS,
            "carry": GREEN_CARRY_OUT_DAYS if green else CARRY_OUT_DAYS,
            "publish": PUBLICATION_DAYS,
        }
    ]
    answers = records_eligibility(records, on=case.received_on) if records else {}
    for record in records:
        edition = answers[record.pk].edition if record.pk in answers else ""
        if edition:
            rules.append(
                _("%(title)s: minimum publicity under %(edition)s.")
                % {"title": record.title, "edition": edition}
            )
    return rules


def case_timeline(case: Case) -> Timeline:
    """The applicant's view of ``case``."""
    records = list(case.records.select_related("department"))
    entries = list(case.list_entries.select_related("credit_list"))
    refusal_until = None
    if case.kind == CaseKind.REPAIR and case.state == CaseState.REFUSED and case.decided_on:
        refusal_until = add_working_days(case.decided_on, OBJECTION_DAYS).date
    steps = _repair_steps(case) if case.kind == CaseKind.REPAIR else _objection_steps(case)
    items = [
        f"{r.title} · {r.document_number} · {r.decision_date:%Y-%m-%d} · {r.department}"
        for r in records
    ] + [
        f"{e.credit_list.name_zh} · {e.listed_on or ''}"
        + (f" · {e.document_number}" if e.document_number else "")
        for e in entries
    ]
    if case.objected_case_id and case.objected_case is not None:
        items.append(_("Repair %(reference)s") % {"reference": case.objected_case.reference})
    return Timeline(
        case=case,
        steps=steps,
        next_actor=_next_actor(case, refusal_until),
        rules=_rules(case, records),
        items=items,
        refusal_objection_until=refusal_until,
    )


def decision_letter(timeline: Timeline) -> str:
    """The decision as a plain-text letter the applicant downloads."""
    case = timeline.case
    lines = [
        site_name(),
        _("Decision on %(kind)s %(reference)s")
        % {
            "kind": CaseKind(case.kind).label,
            "reference": case.reference,
        },
        "",
        _("Credit subject: %(name)s (%(uscc)s)")
        % {
            "name": case.subject.name,
            "uscc": case.subject.uscc,
        },
        _("Handling department: %(department)s") % {"department": case.department},
        _("Received on: %(day)s") % {"day": case.received_on.isoformat()},
        _("Decided on: %(day)s") % {"day": case.decided_on.isoformat() if case.decided_on else "-"},
        "",
        _("Concerning:"),
        *[f"- {item}" for item in timeline.items],
        "",
        _("Decision: %(decision)s") % {"decision": Decision(case.decision).label},
        _("Reasons:"),
        case.decision_reasons,
        "",
        _("Rules applied:"),
        *[f"- {rule}" for rule in timeline.rules],
    ]
    if case.publication_ends:
        lines += [
            "",
            _("The repair is published for objections until %(day)s.")
            % {"day": case.publication_ends.isoformat()},
        ]
    if timeline.refusal_objection_until:
        lines += [
            "",
            _("You may object to this refusal until %(day)s, on the case page.")
            % {"day": timeline.refusal_objection_until.isoformat()},
        ]
    return "\n".join(str(line) for line in lines) + "\n"
