"""Zhejiang keeps negative information public while its subject is on a serious black
list in force (rules.md §6.4): the nightly expiry holds the record and expires it on the
first run after the listing ends; the credit file says why it is still shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import CreditRecord, RecordEdition
from lists.models import CreditList
from lists.services import list_entry_list, list_entry_notify, list_entry_propose, list_entry_remove
from repair.services import records_expire
from rules.models import RuleEdition
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date


def _listed(actor, slug, subject, listed_on):
    credit_list = CreditList.objects.get(slug=slug)
    entry = list_entry_propose(
        actor=actor,
        credit_list=credit_list,
        subject=subject,
        reason="拒不履行",
        proposed_on=listed_on,
    )
    entry = list_entry_notify(actor=actor, entry=entry, notified_on=listed_on - dt.timedelta(30))
    return list_entry_list(actor=actor, entry=entry, listed_on=listed_on)


def _record(subject, edition_code, **fields):
    """A general record decided 2024-01-10 (NDRC Order 58: public to 2025-01-10); with
    ``edition_code`` "zj-regulation-2018" its department's own edition is Zhejiang's."""
    record = CreditRecordFactory(
        subject=subject,
        decision_date=D(2024, 1, 10),
        publicity_end=D(2025, 1, 10),
        severity="general",
        **fields,
    )
    national = RuleEdition.objects.get(code="cn-ndrc-order58-2023")
    local = RuleEdition.objects.filter(code=edition_code, jurisdiction="zhejiang").first()
    RecordEdition.objects.create(record=record, edition=national, local_edition=local)
    return record


def _state(record):
    return CreditRecord.objects.get(pk=record.pk).state


def test_the_zhejiang_editions_keep_records_public_while_listed():
    keeping = set(
        RuleEdition.objects.filter(keeps_public_while_listed=True).values_list(
            "jurisdiction", flat=True
        )
    )
    assert keeping == {"zhejiang"}


def test_held_while_on_a_serious_black_list_then_expired_after_removal(system_actor):
    subject = SubjectFactory()
    zhejiang = _record(subject, "zj-regulation-2018")
    national = _record(subject, "cn-ndrc-order58-2023")
    entry = _listed(system_actor, "zj-dishonest-judgment-debtors", subject, D(2024, 6, 1))
    assert entry.term_end == D(2026, 5, 31)

    held = records_expire(on=D(2025, 1, 11))
    assert held.counts["records_expired"] == 1  # the national-edition record is not held
    assert held.counts["held_while_listed"] == 1
    assert (_state(zhejiang), _state(national)) == ("active", "expired")
    assert CreditRecord.objects.public().filter(pk=zhejiang.pk).exists()

    again = records_expire(on=D(2025, 2, 1))  # every run re-examines it
    assert (again.counts["records_expired"], again.counts["held_while_listed"]) == (0, 1)

    list_entry_remove(
        actor=system_actor, entry=entry, reason="revoked_after_objection", removed_on=D(2025, 3, 1)
    )
    after = records_expire(on=D(2025, 3, 2))
    assert (after.counts["records_expired"], after.counts["held_while_listed"]) == (1, 0)
    assert _state(zhejiang) == "expired"


def test_a_black_list_that_is_not_serious_does_not_hold(system_actor):
    subject = SubjectFactory()
    record = _record(subject, "zj-regulation-2018")
    _listed(system_actor, "cn-abnormal-operations", subject, D(2024, 6, 1))
    result = records_expire(on=D(2025, 1, 11))
    assert (result.counts["records_expired"], result.counts["held_while_listed"]) == (1, 0)
    assert _state(record) == "expired"


def test_the_file_says_why_a_record_is_still_shown(client, system_actor):
    today = timezone.localdate()
    subject = SubjectFactory()
    record = _record(subject, "zj-regulation-2018", title="KEPT-PUBLIC")
    CreditRecord.objects.filter(pk=record.pk).update(
        decision_date=today - dt.timedelta(400), publicity_end=today - dt.timedelta(30)
    )
    listed_on = today - dt.timedelta(100)
    _listed(system_actor, "zj-dishonest-judgment-debtors", subject, listed_on)
    assert records_expire(on=today).counts["held_while_listed"] == 1

    url = f"/enterprises/{subject.uscc}/"
    english = client.get(url, {"tab": "negative"}, HTTP_COOKIE="django_language=en")
    chinese = client.get(url, {"tab": "negative"}, HTTP_COOKIE="django_language=zh-hans")
    since = listed_on.isoformat()
    name = CreditList.objects.get(slug="zj-dishonest-judgment-debtors")
    assert f"Kept public while on {name.name_en} (since {since})." in english.content.decode()
    assert "拒不履行" in english.content.decode()
    assert f"因列入{name.name_zh}（自 {since} 起）继续公示。" in chinese.content.decode()
