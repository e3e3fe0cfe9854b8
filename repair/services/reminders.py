"""The daily reminder of case deadlines to officials; closing repairs whose publication
is over."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.jobs import job_run
from core.site import site_name
from rules.workdays import add_working_days, effective_deadline, year_entered

from ..models import Case, CaseState
from .common import REMIND_WITHIN_DAYS, due_text
from .repairs import repair_close

log = logging.getLogger("repair.services")  # one logger for the package

REMINDER_JOB = "repair_deadline_reminder"


# --- Daily job ----------------------------------------------------------------------------


def case_deadlines_remind(*, on: dt.date | None = None) -> dict[str, int]:
    """Daily: email each official the open cases of their department due within 2 working
    days (credit-centre reviewers: all), and close repairs whose publication is over
    (one whose provisional end falls on a statutory holiday waits, rules.md §13).
    Leaves a job-run row with counts."""
    from django.contrib.auth import get_user_model

    from core.roles import GROUP_ADMINISTRATOR, GROUP_CREDIT_CENTRE_REVIEWER

    day = on or timezone.localdate()
    horizon = add_working_days(day, REMIND_WITHIN_DAYS).date
    system = Actor.for_system(REMINDER_JOB)
    counts = {"due_soon": 0, "overdue": 0, "emails": 0, "closed": 0, "held_provisional": 0}
    with job_run(REMINDER_JOB) as progress:
        for case in Case.objects.filter(
            state=CaseState.PUBLISHED, publication_ends__lt=day
        ).exclude(objections__state=CaseState.SUBMITTED):
            ends = case.publication_ends
            if ends is not None and effective_deadline(ends, not year_entered(ends.year)) >= day:
                # Provisional (its year not entered) and on a statutory holiday: the job
                # closes after the next working day (rules.md §13).
                counts["held_provisional"] += 1
                continue
            repair_close(actor=system, case=case, on=day)
            counts["closed"] += 1
        due = list(
            Case.objects.exclude(state__in=[CaseState.INCOMPLETE, *OPEN_DONE])
            .filter(due_on__lte=horizon)
            .select_related("department")
            .order_by("due_on")
        )
        counts["due_soon"] = len(due)
        counts["overdue"] = sum(1 for c in due if c.due_on is not None and c.due_on < day)
        users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
        for user in users.select_related("official").prefetch_related("groups"):
            groups = {g.name for g in user.groups.all()}
            everything = user.is_superuser or bool(
                groups & {GROUP_ADMINISTRATOR, GROUP_CREDIT_CENTRE_REVIEWER}
            )
            official = getattr(user, "official", None)
            mine = [
                c
                for c in due
                if everything
                or (official is not None and official.department_id == c.department_id)
            ]
            if not mine:
                continue
            lines = [
                f"{c.reference} {CaseState(c.state).label} {due_text(c.due_on, c.due_provisional)}"
                for c in mine
            ]
            send_mail(
                subject=_("[%(site)s] %(n)d cases due within 2 working days")
                % {"site": site_name(), "n": len(mine)},
                message="\n".join(lines),
                from_email=None,
                recipient_list=[user.email],
                fail_silently=True,
            )
            counts["emails"] += 1
        progress.advance(len(due), **counts)
    log.info("repair.reminders on=%s counts=%s", day, counts)
    return counts


OPEN_DONE = (CaseState.CLOSED, CaseState.REFUSED, CaseState.REVERSED, CaseState.DECIDED)
