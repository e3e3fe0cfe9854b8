"""The reads of lists that public pages use count and name public entries only
(rules.md §3.5, §3.7, §11.1): not partly public or government-only entries, not
natural persons' entries, not entries of an unpublished list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import Disclosure, Subject
from lists.models import CreditList, ListEntry
from lists.queries import lists_overview, public_entries_of

pytestmark = pytest.mark.django_db


def test_overview_counts_and_dates_only_public_entries_of_organisations(client, make_listed):
    today = timezone.localdate()
    public = make_listed("zj-eco-serious", listed_on=today - dt.timedelta(days=40))
    person = Subject.objects.create(
        subject_type=Subject.SubjectType.NATURAL_PERSON,
        name="自然人",
        id_number="110101199001011234",
    )
    make_listed("zj-eco-serious", listed_on=today - dt.timedelta(days=3), subject=person)
    hidden = make_listed("zj-eco-serious", listed_on=today - dt.timedelta(days=2))
    ListEntry.objects.filter(pk=hidden.pk).update(disclosure=Disclosure.GOVERNMENT)

    overview = {x.slug: x for x in lists_overview()}
    assert overview["zj-eco-serious"].active_count == 1
    assert overview["zj-eco-serious"].last_published == public.listed_on
    assert overview["zj-class-a-taxpayers"].active_count == 0
    assert overview["zj-class-a-taxpayers"].last_published is None
    api = {x["slug"]: x for x in client.get("/api/v1/lists/").json()["results"]}
    assert api["zj-eco-serious"]["entries_in_force"] == 1
    assert api["zj-eco-serious"]["last_published"] == public.listed_on.isoformat()


def test_public_entries_of_leave_out_every_non_public_entry(make_listed):
    today = timezone.localdate()
    public = make_listed("cn-samr-serious-violation", listed_on=today - dt.timedelta(days=9))
    subject = public.subject
    partial = make_listed("zj-eco-serious", listed_on=today, subject=subject)
    ListEntry.objects.filter(pk=partial.pk).update(disclosure=Disclosure.PARTIAL)
    make_listed("zj-culture-tourism-black", listed_on=today, subject=subject)
    CreditList.objects.filter(slug="zj-culture-tourism-black").update(is_published=False)

    assert list(public_entries_of([subject.pk])) == [public]
