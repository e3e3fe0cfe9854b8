"""Demo enterprises have contact e-mails for verified access (docs/rules.md §8.8)."""

from __future__ import annotations

import pytest

from demo.contacts import demo_contact_email, demo_contacts
from enterprises.models import Subject
from repair.models import SubjectContact
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db


def test_every_enterprise_gets_one_contact_and_a_rerun_adds_none():
    firms = SubjectFactory.create_batch(3)
    person = SubjectFactory(
        subject_type=Subject.SubjectType.NATURAL_PERSON, uscc=None, id_number="110101199001017777"
    )
    assert demo_contacts() == 3
    assert demo_contacts() == 0
    emails = dict(SubjectContact.objects.values_list("subject_id", "email"))
    assert emails == {f.pk: demo_contact_email(f.uscc) for f in firms}
    assert person.pk not in emails
