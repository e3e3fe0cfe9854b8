"""The change feed of a list (``/api/v1/lists/<slug>/entries/?changed_since=``) and its Atom
feed: an entry that leaves the list's publicity (rules.md §5.3, §5.4) is a tombstone — its
id, why and when, never the subject or the reason — and an entry that was never public
never appears. Both change feeds' answers, tombstones included, conform to /api/schema/."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.checks import response_schema_conformance

from enterprises.models import Disclosure, RecordState
from enterprises.services import record_state_set
from lists.models import CreditList, ListEntry
from lists.services import list_entry_remove
from repair.services import records_expire
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
TOMBSTONE_KEYS = {"id", "status", "removal_reason", "removed_on", "updated_at"}
LIST = "zj-eco-serious"  # black, 36 months


def _changes(client, since, slug=LIST, **params):
    return client.get(
        f"/api/v1/lists/{slug}/entries/",
        {"changed_since": since, **params},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_removed_entries_are_tombstones_without_subject_or_reason(client, make_listed, system):
    day = TODAY() - dt.timedelta(days=40)
    kept = make_listed(LIST, listed_on=day, reason="KEPT-REASON")
    revoked = make_listed(LIST, listed_on=day, reason="REVOKED-REASON")
    term_over = make_listed(LIST, listed_on=TODAY() - dt.timedelta(days=4 * 365))
    secret = make_listed(LIST, listed_on=day, reason="SECRET-REASON")
    ListEntry.objects.filter(pk=secret.pk).update(disclosure=Disclosure.GOVERNMENT)
    since = timezone.now()

    list_entry_remove(actor=system, entry=revoked, reason="revoked_after_objection")
    list_entry_remove(actor=system, entry=secret, reason="revoked_after_objection")
    records_expire()  # the nightly job ends the entry whose term is over

    response = _changes(client, since.isoformat())
    assert response.status_code == 200
    results = {item["id"]: item for item in response.json()["results"]}
    assert {pk: item["removal_reason"] for pk, item in results.items()} == {
        revoked.pk: "revoked_after_objection",
        term_over.pk: "term_over",
    }
    for item in results.values():
        assert set(item) == TOMBSTONE_KEYS and item["status"] == "removed"
    text = response.content.decode()
    for entry in (revoked, term_over, secret):
        assert entry.subject.uscc not in text and entry.subject.name not in text
    assert "REVOKED-REASON" not in text and "SECRET-REASON" not in text

    # Entries in force keep their full shape.
    everything = _changes(client, "2000-01-01").json()["results"]
    full = next(item for item in everything if item["id"] == kept.pk)
    assert full["status"] == "listed" and full["subject"]["uscc"] == kept.subject.uscc
    assert secret.pk not in {item["id"] for item in everything}


def test_an_entry_past_its_term_is_a_tombstone_before_the_nightly_job(client, make_listed):
    old = make_listed(LIST, listed_on=TODAY() - dt.timedelta(days=4 * 365), reason="OLD-REASON")
    assert ListEntry.objects.get(pk=old.pk).status == ListEntry.Status.LISTED

    body = _changes(client, "2000-01-01").json()
    assert [(e["id"], e["status"], e["removal_reason"]) for e in body["results"]] == [
        (old.pk, "removed", "term_over")
    ]
    assert "OLD-REASON" not in str(body) and old.subject.name not in str(body)


def test_an_unpublished_list_answers_404_and_leaves_the_overview(client, make_listed):
    make_listed(LIST, listed_on=TODAY() - dt.timedelta(days=40))
    CreditList.objects.filter(slug=LIST).update(is_published=False)
    assert _changes(client, "2000-01-01").status_code == 404
    slugs = {x["slug"] for x in client.get("/api/v1/lists/").json()["results"]}
    assert LIST not in slugs


def test_the_list_feed_announces_removals_without_the_subject(client, make_listed, system):
    day = TODAY() - dt.timedelta(days=40)
    entry = make_listed(LIST, listed_on=day, reason="FEED-REASON")
    secret = make_listed(LIST, listed_on=day, reason="FEED-SECRET")
    ListEntry.objects.filter(pk=secret.pk).update(disclosure=Disclosure.GOVERNMENT)
    assert entry.subject.name in client.get(f"/lists/{LIST}/feed/").content.decode()

    list_entry_remove(actor=system, entry=entry, reason="revoked_after_objection")
    list_entry_remove(actor=system, entry=secret, reason="revoked_after_objection")

    text = client.get(f"/lists/{LIST}/feed/").content.decode()
    assert f"list-entry-{entry.pk}-removed" in text
    assert entry.subject.name not in text and "FEED-REASON" not in text
    assert f"list-entry-{secret.pk}" not in text and "FEED-SECRET" not in text


@pytest.fixture
def api_schema():
    """/api/schema/ as schemathesis reads it, calling the in-process WSGI app; the handler's
    closing of "old" connections is held off as the test client does (on PostgreSQL it
    would close the test's own connection)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_tombstones_conform_to_the_published_schema(api_schema, system, make_listed):
    subject = SubjectFactory()
    record = CreditRecordFactory(subject=subject)
    CreditRecordFactory(subject=subject)
    record_state_set(actor=system, record=record, state=RecordState.REVOKED, reason="撤销")
    entry = make_listed(LIST, listed_on=TODAY() - dt.timedelta(days=40))
    make_listed(LIST, listed_on=TODAY() - dt.timedelta(days=40))
    list_entry_remove(actor=system, entry=entry, reason="revoked_after_objection")
    calls = [
        ("/api/v1/enterprises/{uscc}/records/", {"uscc": subject.uscc}),
        ("/api/v1/lists/{slug}/entries/", {"slug": LIST}),
    ]
    for path, parameters in calls:
        for query in ({"changed_since": "2000-01-01"}, {}):
            case = api_schema[path]["GET"].Case(path_parameters=parameters, query=query)
            response = case.call_and_validate(checks=[response_schema_conformance])
            body = response.json()
            assert response.status_code == 200 and body["results"], (path, query)
            if query and "records" in path:
                assert [r["id"] for r in body["removed"]] == [record.pk]
            elif query:
                assert {e["status"] for e in body["results"]} == {"listed", "removed"}


BAD_MOMENTS = {
    "2026-13-45": "invalid_date",
    "9999-99-99": "invalid_date",
    "2026-01-31T25:61:61": "invalid_date",
    "2026-01-31T08:00:00+99:00": "invalid_offset",
    "0001-01-01": "out_of_range",
    "yesterday": "invalid",
}


@pytest.mark.parametrize(("moment", "code"), BAD_MOMENTS.items())
def test_a_bad_changed_since_is_a_400_naming_the_field_and_the_reason(client, moment, code):
    response = _changes(client, moment)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("changed_since", code)]
    assert errors[0]["reason"]
