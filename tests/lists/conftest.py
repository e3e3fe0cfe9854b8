from __future__ import annotations

import datetime as dt

import pytest

from core.actors import Actor
from lists.models import CreditList
from lists.services import list_entry_list, list_entry_notify, list_entry_propose
from tests.factories import SubjectFactory


@pytest.fixture
def system():
    return Actor.for_system("tests")


@pytest.fixture
def make_listed(system):
    """A subject listed on ``slug`` on ``listed_on`` through the full procedure."""

    def make(slug: str, *, listed_on=dt.date(2026, 10, 20), subject=None, reason="理由"):
        credit_list = CreditList.objects.get(slug=slug)
        subject = subject or SubjectFactory()
        entry = list_entry_propose(
            actor=system,
            credit_list=credit_list,
            subject=subject,
            reason=reason,
            proposed_on=listed_on - dt.timedelta(days=30),
        )
        if credit_list.objection_working_days:
            entry = list_entry_notify(
                actor=system, entry=entry, notified_on=listed_on - dt.timedelta(days=30)
            )
        return list_entry_list(actor=system, entry=entry, listed_on=listed_on)

    return make
