"""The demo data follows the rules the services enforce: penalty types and severity,
unpublished information, notice before listing, who may make a credit commitment."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from demo.publicity import PublicityRules
from demo.subjects import generate
from enterprises.models import (
    PERMANENT_PENALTIES,
    SERIOUS_PENALTIES,
    CreditCommitment,
    CreditRecord,
    PenaltyType,
    RecordState,
    Severity,
)
from enterprises.publicity import publicity_for_record
from lists.models import ListEntry
from rules.kinds import NEGATIVE_KINDS, RecordKind
from rules.publicity import jurisdiction_for_department, publicity_end_for
from supervision.services import commitment_refusal

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    with translation.override("en"):
        call_command(
            "seed_demo",
            enterprises=1000,
            seed=3,
            as_of=AS_OF.isoformat(),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_records_follow_the_rules(demo):
    """One demo, several properties (seeding is the slow part)."""
    _penalty_types()
    _unpublished()
    _simplified()
    _revoked()


def test_list_entries_and_commitments_follow_the_rules(demo):
    _notice_dates()
    _commitments()


def _penalty_types():
    penalties = CreditRecord.objects.filter(kind=RecordKind.PENALTY)
    # Every penalty type that is serious information is entered as serious (a model rule).
    assert not penalties.filter(penalty_type__in=SERIOUS_PENALTIES).exclude(
        severity=Severity.SERIOUS
    )
    permanent = penalties.filter(penalty_type__in=PERMANENT_PENALTIES)
    assert permanent.exists()
    assert not permanent.filter(state=RecordState.ACTIVE, publicity_end__isnull=False)


def test_generated_penalty_types_and_their_shares():
    """Suspension and temporary restriction (serious, with an end) and closure and permanent
    restriction (permanent) all appear, in small shares (generated, not written: fast)."""
    counts: Counter[str] = Counter()
    ends: dict[str, set[bool]] = {}
    for rows in generate(enterprises=20000, seed=5, as_of=AS_OF):
        for record in rows.records:
            if record["kind"] != RecordKind.PENALTY:
                continue
            penalty_type = record["penalty_type"]
            counts[penalty_type] += 1
            if penalty_type in SERIOUS_PENALTIES:
                assert record["severity"] == Severity.SERIOUS
            if record["state"] != RecordState.UNPUBLISHED:
                ends.setdefault(penalty_type, set()).add(record["publicity_end"] is None)
    total = sum(counts.values())
    for penalty_type in (
        PenaltyType.SUSPENDED,
        PenaltyType.PRODUCTION_RESTRICTED,
        PenaltyType.CLOSED_DOWN,
        PenaltyType.PERMANENT_RESTRICTION,
    ):
        assert 0 < counts[penalty_type] < 0.03 * total, (penalty_type, counts)
    assert ends[PenaltyType.SUSPENDED] == ends[PenaltyType.PRODUCTION_RESTRICTED] == {False}
    assert ends[PenaltyType.CLOSED_DOWN] == ends[PenaltyType.PERMANENT_RESTRICTION] == {True}


def _unpublished():
    unpublished = CreditRecord.objects.filter(state=RecordState.UNPUBLISHED).select_related(
        "department", "subject"
    )
    assert unpublished.exists()
    reasons = {"minor_national": 0, "samr_warning": 0, "simplified": 0}
    for record in unpublished:
        publicity = publicity_for_record(record)
        assert not publicity.published, record
        assert record.publicity_end == record.decision_date
        jurisdiction = jurisdiction_for_department(record.department)
        if record.simplified_procedure:
            reasons["simplified"] += 1
            assert jurisdiction == "zhejiang"
        elif record.penalty_type == PenaltyType.WARNING and jurisdiction == "samr":
            reasons["samr_warning"] += 1
        else:
            assert record.severity == Severity.MINOR
            assert record.decision_date >= dt.date(2023, 5, 1)
            reasons["minor_national"] += 1
    assert all(reasons.values()), reasons
    # Minor information decided under Document 527 (before 2023-05-01) is published, as
    # are SAMR warnings decided before Order 45 (2021-09-01), unless simplified.
    published_minor = CreditRecord.objects.filter(
        severity=Severity.MINOR, decision_date__lt=dt.date(2023, 5, 1), simplified_procedure=False
    ).exclude(penalty_type=PenaltyType.WARNING)
    assert published_minor.exists()
    assert not published_minor.filter(state=RecordState.UNPUBLISHED)


def _simplified():
    flagged = CreditRecord.objects.filter(simplified_procedure=True).select_related("department")
    assert flagged.exists()
    for record in flagged:
        assert record.kind == RecordKind.PENALTY
        assert record.severity == Severity.MINOR
        assert record.penalty_type == PenaltyType.WARNING or record.fine_amount <= 3000
        assert jurisdiction_for_department(record.department) == "zhejiang"
        assert record.state == RecordState.UNPUBLISHED
    # Not every eligible penalty is flagged: a share.
    assert CreditRecord.objects.filter(
        department__code__in=["zj-eco", "zj-emergency", "zj-fire", "zj-hrss", "zj-transport"],
        severity=Severity.MINOR,
        penalty_type=PenaltyType.WARNING,
        simplified_procedure=False,
    ).exists()


def _revoked():
    revoked = CreditRecord.objects.filter(kind=RecordKind.PENALTY, state=RecordState.REVOKED)
    assert revoked.exists()
    for record in revoked:
        assert record.decision_revoked_on == record.state_changed_at.date()
        assert record.decision_revoked_on > record.decision_date
    assert not CreditRecord.objects.exclude(state=RecordState.REVOKED).filter(
        decision_revoked_on__isnull=False
    )


def _notice_dates():
    entries = ListEntry.objects.select_related("credit_list")
    assert entries.filter(credit_list__objection_working_days__gt=0).exists()
    assert entries.filter(credit_list__objection_working_days=0, credit_list__color="black")
    for entry in entries:
        if entry.credit_list.objection_working_days:
            assert entry.notified_on is not None and entry.objection_deadline is not None
            assert entry.proposed_on < entry.notified_on < entry.objection_deadline
            assert entry.objection_deadline < entry.listed_on  # listed after the deadline
        else:
            assert entry.notified_on is None and entry.objection_deadline is None
            assert not entry.objection_deadline_provisional
            assert entry.proposed_on == entry.listed_on


def _commitments():
    commitments = CreditCommitment.objects.select_related("subject")
    assert commitments.count() >= 30
    for commitment in commitments:
        assert commitment_refusal(commitment.subject, on=commitment.committed_on) is None


def test_memoised_publicity_agrees_with_the_rules_function_day_by_day():
    rules = PublicityRules()
    day = dt.date(2019, 1, 1)
    cases = [
        (RecordKind.PENALTY, Severity.MINOR, "zj-eco", PenaltyType.FINE, False),
        (RecordKind.PENALTY, Severity.MINOR, "zj-eco", PenaltyType.WARNING, True),
        (RecordKind.PENALTY, Severity.MINOR, "hz-amr", PenaltyType.WARNING, False),
        (RecordKind.PENALTY, Severity.GENERAL, "zj-tax", PenaltyType.FINE, False),
        (RecordKind.PENALTY, Severity.SERIOUS, "zj-eco", PenaltyType.SUSPENDED, False),
        (RecordKind.PENALTY, Severity.SERIOUS, "zj-eco", PenaltyType.CLOSED_DOWN, False),
        (RecordKind.TAX_ARREARS, Severity.SERIOUS, "zj-tax", "", False),
        (RecordKind.ABNORMAL_OPERATION, Severity.MINOR, "hz-amr", "", False),
    ]
    assert {kind for kind, *_rest in cases} <= NEGATIVE_KINDS
    while day <= dt.date(2026, 12, 31):
        for kind, severity, department, penalty_type, simplified in cases:
            record = {
                "kind": kind,
                "severity": severity,
                "department": department,
                "decision_date": day,
                "penalty_type": penalty_type,
                "simplified_procedure": simplified,
            }
            expected = publicity_end_for(
                kind=kind,
                severity=severity,
                decision_date=day,
                jurisdiction=rules.jurisdiction(department),
                penalty_type=penalty_type,
                simplified_procedure=simplified,
            )
            got = rules.of(record)
            assert (got.end, got.published) == (expected.end, expected.published), record
        day += dt.timedelta(days=11)
