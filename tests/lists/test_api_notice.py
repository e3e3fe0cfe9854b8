"""The lists API shows each list's notice period and each entry's notice dates and the
entry it moved from (rules.md §5.2, §5.3); public fields only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import Disclosure
from lists.models import CreditList, ListEntry
from lists.services import list_entries_move_on, list_entry_list, list_entry_notify

pytestmark = pytest.mark.django_db


def test_lists_show_their_notice_period(client):
    lists = {x["slug"]: x for x in client.get("/api/v1/lists/").json()["results"]}
    assert lists["cn-samr-serious-violation"]["notice_working_days"] == 10
    assert lists["cn-dishonest-judgment-debtors"]["notice_working_days"] is None
    assert lists["zj-eco-serious"]["notice_working_days"] is None


def test_entry_notice_dates_on_the_samr_list_and_none_on_the_court_list(client, make_listed):
    # Notified 2026-05-21 (listed_on − 30 days): 10 working days, the Dragon Boat holiday
    # of 2026-06-19 not in between; deadline 2026-06-04, listed 2026-06-20.
    samr = make_listed("cn-samr-serious-violation", listed_on=dt.date(2026, 6, 20))
    court = make_listed("cn-dishonest-judgment-debtors", listed_on=dt.date(2026, 6, 20))
    entries = client.get("/api/v1/lists/cn-samr-serious-violation/entries/").json()["results"]
    assert [e["id"] for e in entries] == [samr.pk]
    assert entries[0]["notified_on"] == "2026-05-21"
    assert entries[0]["objection_deadline"] == "2026-06-04"
    assert entries[0]["objection_deadline_provisional"] is False
    assert entries[0]["moved_from"] is None
    entries = client.get("/api/v1/lists/cn-dishonest-judgment-debtors/entries/").json()["results"]
    assert [e["id"] for e in entries] == [court.pk]
    assert entries[0]["notified_on"] is None and entries[0]["objection_deadline"] is None


def _moved(make_listed, system, *, disclosure=Disclosure.PUBLIC) -> tuple[ListEntry, ListEntry]:
    """An abnormal-operations entry listed 2023-06-01 moves to the SAMR list on 2026-06-01
    (36 months), is notified on 2026-06-02 and listed on 2026-06-20."""
    abnormal = make_listed("cn-abnormal-operations", listed_on=dt.date(2023, 6, 1))
    counts = list_entries_move_on(on=dt.date(2026, 6, 1), actor=system)
    assert counts["entries_moved_on"] == 1
    moved = ListEntry.objects.get(moved_from=abnormal)
    moved = list_entry_notify(actor=system, entry=moved, notified_on=dt.date(2026, 6, 2))
    moved = list_entry_list(actor=system, entry=moved, listed_on=dt.date(2026, 6, 20))
    if disclosure != Disclosure.PUBLIC:
        # The source withdrawn from the public afterwards (a correction of its level).
        ListEntry.objects.filter(pk=abnormal.pk).update(disclosure=disclosure)
    return abnormal, moved


def test_a_moved_entry_names_the_entry_it_moved_from(client, make_listed, system):
    abnormal, moved = _moved(make_listed, system)
    entries = client.get("/api/v1/lists/cn-samr-serious-violation/entries/").json()["results"]
    assert [e["id"] for e in entries] == [moved.pk]
    assert entries[0]["moved_from"] == {
        "id": abnormal.pk,
        "list": "cn-abnormal-operations",
        "listed_on": "2023-06-01",
        "document_number": abnormal.document_number,
    }
    # Notified 2026-06-02: 10 working days (Dragon Boat 2026-06-19 after): 2026-06-16.
    assert entries[0]["notified_on"] == "2026-06-02"
    assert entries[0]["objection_deadline"] == "2026-06-16"
    # The change feed carries the same fields.
    changed = client.get(
        "/api/v1/lists/cn-samr-serious-violation/entries/",
        {"changed_since": (timezone.now() - dt.timedelta(hours=1)).isoformat()},
    ).json()["results"]
    assert changed[0]["moved_from"]["id"] == abnormal.pk


def test_a_moved_entry_does_not_show_a_source_the_public_never_saw(client, make_listed, system):
    _abnormal, moved = _moved(make_listed, system, disclosure=Disclosure.GOVERNMENT)
    entries = client.get("/api/v1/lists/cn-samr-serious-violation/entries/").json()["results"]
    assert [e["id"] for e in entries] == [moved.pk]
    assert entries[0]["moved_from"] is None


def test_entries_read_in_a_fixed_number_of_queries(client, make_listed, system):
    _moved(make_listed, system)
    for _n in range(3):
        make_listed("cn-samr-serious-violation", listed_on=dt.date(2026, 6, 20))
    assert CreditList.objects.get(slug="cn-samr-serious-violation").entries.count() == 4
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/lists/cn-samr-serious-violation/entries/")
    assert response.json()["count"] == 4
    assert len(queries) <= 6
