"""The change feed of a credit file (``/api/v1/enterprises/<USCC>/records/?changed_since=``)
and the enterprise's Atom feed: a record that leaves the public file (rules.md §3.7) is
reported as a tombstone — its id, why it left and when, never its content — so a mirror can
take it down; a record that was never public never appears, not even as a tombstone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.actors import Actor
from enterprises.models import CreditRecord, RecordState
from enterprises.services import record_state_set, record_update
from repair.services import records_expire
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date
LONG_AGO = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
TOMBSTONE_KEYS = {"id", "status", "removal_reason", "updated_at"}


@pytest.fixture
def system() -> Actor:
    return Actor.for_system("tests")


def _records(client, subject, **params):
    return client.get(
        f"/api/v1/enterprises/{subject.uscc}/records/", params, HTTP_ACCEPT_LANGUAGE="en"
    )


def _backdate(*records: CreditRecord) -> None:
    """As if the records had been published long before the mirror's last sync."""
    CreditRecord.objects.filter(pk__in=[r.pk for r in records]).update(updated_at=LONG_AGO)


def test_every_way_out_of_the_public_file_is_a_tombstone_without_content(client, system):
    subject = SubjectFactory()
    other = SubjectFactory()
    kept = CreditRecordFactory(subject=subject, title="KEPT-MARKER")
    revoked = CreditRecordFactory(subject=subject, title="REVOKED-MARKER", content="REVOKED-TEXT")
    repaired = CreditRecordFactory(subject=subject, title="REPAIRED-MARKER")
    downgraded = CreditRecordFactory(subject=subject, title="DOWNGRADED-MARKER")
    moved = CreditRecordFactory(subject=subject, title="MOVED-MARKER")
    expiring = CreditRecordFactory(
        subject=subject,
        title="EXPIRED-MARKER",
        decision_date=D(2023, 1, 10),
        publicity_end=D(2026, 1, 10),
    )
    _backdate(kept, revoked, repaired, downgraded, moved, expiring)
    since = timezone.now()

    record_state_set(actor=system, record=revoked, state=RecordState.REVOKED, reason="异议成立")
    record_state_set(actor=system, record=repaired, state=RecordState.REPAIRED, reason="信用修复")
    record_update(actor=system, record=downgraded, data={"disclosure": "government"}, reason="r")
    record_update(actor=system, record=moved, data={}, subject=other, reason="主体有误")
    records_expire(on=D(2026, 11, 25))  # the set-based path of the nightly job

    response = _records(client, subject, changed_since=since.isoformat())
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [] and body["count"] == 0  # nothing public changed
    removed = {item["id"]: item for item in body["removed"]}
    assert {pk: item["removal_reason"] for pk, item in removed.items()} == {
        revoked.pk: "revoked",
        repaired.pk: "repaired",
        downgraded.pk: "withdrawn",
        moved.pk: "withdrawn",
        expiring.pk: "expired",
    }
    assert body["removed_count"] == 5
    for item in removed.values():
        assert set(item) == TOMBSTONE_KEYS and item["status"] == "removed"
        assert dt.datetime.fromisoformat(item["updated_at"]) >= since
    text = response.content.decode()
    assert "MARKER" not in text and "REVOKED-TEXT" not in text
    assert "government" not in text  # the new level is not named either

    # The record moved to another subject is public there, as a changed record.
    there = _records(client, other, changed_since=since.isoformat()).json()
    assert [r["id"] for r in there["results"]] == [moved.pk] and there["removed"] == []

    # A later sync no longer reports what an earlier one did.
    later = _records(client, subject, changed_since=timezone.now().isoformat()).json()
    assert later["removed"] == [] and later["removed_count"] == 0

    # Without changed_since the answer keeps its shape: the public records only.
    plain = _records(client, subject).json()
    assert [r["title"] for r in plain["results"]] == ["KEPT-MARKER"]
    assert "removed" not in plain and "removed_count" not in plain


def test_a_record_never_public_never_appears_not_even_as_a_tombstone(client, system):
    subject = SubjectFactory()
    secret_revoked = CreditRecordFactory(subject=subject, disclosure="government")
    secret_expiring = CreditRecordFactory(
        subject=subject,
        disclosure="government",
        decision_date=D(2023, 1, 10),
        publicity_end=D(2026, 1, 10),
    )
    partial = CreditRecordFactory(subject=subject, disclosure="partial")
    secret_moved = CreditRecordFactory(subject=subject, disclosure="government")
    since = timezone.now() - dt.timedelta(days=1)

    record_state_set(
        actor=system, record=secret_revoked, state=RecordState.REVOKED, reason="异议成立"
    )
    records_expire(on=D(2026, 11, 25))
    record_update(actor=system, record=partial, data={"disclosure": "government"}, reason="r")
    record_update(actor=system, record=secret_moved, data={}, subject=SubjectFactory(), reason="r")

    body = _records(client, subject, changed_since=since.isoformat()).json()
    assert body["results"] == [] and body["removed"] == [] and body["removed_count"] == 0
    assert CreditRecord.objects.get(pk=secret_expiring.pk).state == RecordState.EXPIRED


def test_a_record_published_again_is_a_change_not_a_tombstone(client, system):
    subject = SubjectFactory()
    record = CreditRecordFactory(subject=subject, title="BACK-AGAIN")
    _backdate(record)
    since = timezone.now()
    record_update(actor=system, record=record, data={"disclosure": "partial"}, reason="r")
    middle = timezone.now()
    record_update(actor=system, record=record, data={"disclosure": "public"}, reason="r")

    for moment in (since, middle):
        body = _records(client, subject, changed_since=moment.isoformat()).json()
        assert [r["title"] for r in body["results"]] == ["BACK-AGAIN"]
        assert body["removed"] == []

    # Withdrawn again: one tombstone, the latest.
    record_state_set(actor=system, record=record, state=RecordState.REVOKED, reason="撤销")
    body = _records(client, subject, changed_since=since.isoformat()).json()
    assert body["results"] == []
    assert [(r["id"], r["removal_reason"]) for r in body["removed"]] == [(record.pk, "revoked")]


def test_tombstones_are_paged_with_the_records(client, system):
    subject = SubjectFactory()
    gone = [CreditRecordFactory(subject=subject) for _ in range(3)]
    _backdate(*gone)
    since = timezone.now()
    for record in gone:
        record_state_set(actor=system, record=record, state=RecordState.REVOKED, reason="撤销")
    CreditRecordFactory(subject=subject, title="NEW")

    first = _records(client, subject, changed_since=since.isoformat(), page_size=2).json()
    assert [r["title"] for r in first["results"]] == ["NEW"]
    assert len(first["removed"]) == 2 and first["removed_count"] == 3
    assert first["next"] is not None
    second = client.get(first["next"]).json()
    assert second["results"] == [] and len(second["removed"]) == 1 and second["next"] is None
    ids = {r["id"] for r in first["removed"] + second["removed"]}
    assert ids == {r.pk for r in gone}
    assert _records(client, subject, changed_since=since.isoformat(), page=3).status_code == 404


def test_the_enterprise_feed_announces_removals_without_content(client, system):
    subject = SubjectFactory()
    record = CreditRecordFactory(subject=subject, title="FEED-REVOKED-MARKER")
    secret = CreditRecordFactory(subject=subject, disclosure="government", title="FEED-SECRET")
    assert (
        "FEED-REVOKED-MARKER" in client.get(f"/enterprises/{subject.uscc}/feed/").content.decode()
    )

    record_state_set(actor=system, record=record, state=RecordState.REVOKED, reason="撤销")
    record_state_set(actor=system, record=secret, state=RecordState.REVOKED, reason="撤销")

    text = client.get(f"/enterprises/{subject.uscc}/feed/").content.decode()
    assert "FEED-REVOKED-MARKER" not in text and "FEED-SECRET" not in text
    assert f"record-{record.pk}-removed" in text and "已撤销" in text  # revoked
    assert f"record-{secret.pk}" not in text


BAD_MOMENTS = {
    "2026-13-45": "invalid_date",
    "9999-99-99": "invalid_date",
    "2026-01-31T25:61:61": "invalid_date",
    "2026-01-31T08:00:00+99:00": "invalid_offset",
    "2026-01-31T08:00:00+15:00": "invalid_offset",
    "0001-01-01": "out_of_range",
    "9999-12-31T23:00:00-12:00": "out_of_range",
    "yesterday": "invalid",
}


@pytest.mark.parametrize(("moment", "code"), BAD_MOMENTS.items())
def test_a_bad_changed_since_is_a_400_naming_the_field_and_the_reason(client, moment, code):
    subject = SubjectFactory()
    response = _records(client, subject, changed_since=moment)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("changed_since", code)]
    assert errors[0]["reason"]


@pytest.mark.parametrize("moment", ["2026-01-31", "2026-01-31T08:00", "2026-01-31T08:00:00Z"])
def test_dates_and_times_without_offset_are_accepted(client, moment):
    assert _records(client, SubjectFactory(), changed_since=moment).status_code == 200
