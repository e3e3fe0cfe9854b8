"""Province-scale seeding through COPY (demo.bulkseed).

The database tests are marked ``services``: they need PostgreSQL (COPY, pg_indexes) and
commit their data through separate connections, so they run with a transactional
database that is rolled back by serialisation afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
from pypinyin.style import convert

from demo.bulkseed import (
    BENCHMARK_RECORDS,
    BENCHMARK_SUBJECTS,
    BRAND_POOL,
    DUE_SHARE,
    TABLES,
    BulkSeedRefused,
    NameKeys,
    bulk_seed,
    schema_snapshot,
)
from enterprises.models import CreditRecord, FormerName, Subject
from enterprises.pinyin import name_keys, search_keys
from enterprises.publicity import publicity_for_record
from enterprises.uscc import is_valid_uscc
from lists.models import ListEntry
from rules.kinds import NEGATIVE_KINDS

AS_OF = dt.date(2026, 11, 25)
ENTERPRISES = 3000
RECORDS = 15000

# --- Pinyin from name parts (no database) ------------------------------------------------------


def test_brand_pool_characters_read_the_same_everywhere():
    """A brand's pinyin is the concatenation of its characters' only reading: no
    character of the pool has a second toneless reading, alone or inside a phrase."""
    in_phrases: dict[str, set[str]] = {}
    for phrase, readings in PHRASES_DICT.items():
        for char, reading in zip(phrase, readings, strict=False):
            in_phrases.setdefault(char, set()).add(convert(reading[0], Style.NORMAL, strict=True))
    assert len(set(BRAND_POOL)) == len(BRAND_POOL) > 300
    for char in BRAND_POOL:
        default = lazy_pinyin(char)[0]
        own = {convert(r, Style.NORMAL, strict=True) for r in PINYIN_DICT[ord(char)].split(",")}
        assert own == {default}, char
        assert in_phrases.get(char, set()) <= {default}, char


@pytest.mark.parametrize(
    "parts",
    [
        ("杭州", "华新", "电子有限公司"),
        ("长兴", "瑞", "银行"),  # polyphones 长, 行
        ("乐清市", "恒泰", "重工机械有限公司"),  # 乐 yue, 重 zhong
        ("杭州", "银", "行政服务有限公司"),  # 银行 is a phrase across the boundary
        ("浙江", "华东", "医药连锁（集团）有限公司"),
        ("杭州市", "城东街道", "软件行业协会第二分会"),
        ("陈", "长", "乐"),
        ("金华", "婺州", "眼镜有限公司"),
    ],
)
def test_name_keys_from_parts_equal_pypinyin_on_the_whole_name(parts):
    keys = NameKeys()
    brand_at = 1 if all(c in BRAND_POOL for c in parts[1]) else -1
    assert keys.compose(parts, brand_at) == name_keys("".join(parts))


def test_a_phrase_across_parts_takes_the_slow_path():
    """银 + 行政…: pypinyin reads 银行 as one phrase (yinhang), so the parts' own keys
    (yin + xingzheng…) would be wrong; the boundary check sends it the slow way."""
    keys = NameKeys()
    parts = ("杭州", "银", "行政服务有限公司")
    assert (
        keys.compose(parts, 1)
        == name_keys("".join(parts))
        == (
            "hangzhouyinhangzhengfuwuyouxiangongsi",
            "hzyhzfwyxgs",
        )
    )
    assert keys.slow == 1
    assert keys.compose(("杭州", "银", "电子有限公司"), 1) == name_keys("杭州银电子有限公司")
    assert keys.slow == 1


# --- Options --------------------------------------------------------------------------------


def test_records_without_bulk_is_refused():
    with translation.override("en"), pytest.raises(CommandError, match="--records needs --bulk"):
        call_command("seed_demo", "--enterprises", "10", "--records", "40")


@pytest.mark.django_db
def test_bulk_on_sqlite_is_refused_with_a_clear_message():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: --bulk is allowed (tested below)")
    with translation.override("en"), pytest.raises(CommandError, match="--bulk needs PostgreSQL"):
        call_command("seed_demo", "--enterprises", "10", "--bulk")
    assert not Subject.objects.exists()


# --- Seeding PostgreSQL --------------------------------------------------------------------


def _seed(**overrides):
    options = {
        "enterprises": ENTERPRISES,
        "records": RECORDS,
        "seed": 7,
        "as_of": AS_OF,
    }
    options.update(overrides)
    return bulk_seed(**options)


def _digest() -> dict[str, str]:
    """A digest of every row of the filled tables, in id order."""
    digests = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            buffer = io.BytesIO()
            sql = f"COPY (SELECT * FROM {table} ORDER BY id) TO STDOUT"  # noqa: S608 - constant
            with cursor.cursor.copy(sql) as copy:
                for block in copy:
                    buffer.write(block)
            digests[table] = hashlib.sha256(buffer.getvalue()).hexdigest()
    return digests


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_seed_is_exact_deterministic_and_keeps_the_schema():
    with connection.cursor() as cursor:
        before = schema_snapshot(cursor)
    first = _seed()
    with connection.cursor() as cursor:
        assert schema_snapshot(cursor) == before  # indexes and constraints as migrate left them
    assert first.enterprises == ENTERPRISES
    assert first.records == RECORDS
    assert Subject.objects.filter(subject_type="enterprise").count() == ENTERPRISES
    assert CreditRecord.objects.count() == RECORDS
    digest = _digest()

    with pytest.raises(BulkSeedRefused):
        _seed()  # not empty: refused without force
    second = _seed(force=True)
    assert _digest() == digest
    assert second.counts() == first.counts()
    assert second.benchmark_subjects == first.benchmark_subjects

    other = _seed(force=True, seed=8)
    assert _digest()[TABLES[0]] != digest[TABLES[0]]
    assert other.records == RECORDS
    with connection.cursor() as cursor:
        assert schema_snapshot(cursor) == before
        # Sequences continue after the highest id.
        cursor.execute("SELECT nextval(pg_get_serial_sequence('enterprises_creditrecord', 'id'))")
        assert cursor.fetchone()[0] == RECORDS + 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seeded_rows_are_valid_and_realistic():
    result = _seed()
    subjects = list(Subject.objects.order_by("id"))
    formers: dict[int, list[str]] = {}
    for subject_id, name in FormerName.objects.values_list("subject_id", "name"):
        formers.setdefault(subject_id, []).append(name)
    assert len(formers) == result.former_names > 0
    types = Counter(s.subject_type for s in subjects)
    assert types["enterprise"] == ENTERPRISES
    assert types["social_organisation"] == 60 and types["public_institution"] == 45
    assert types["natural_person"] == 6
    names = Counter(s.name for s in subjects if s.subject_type == "enterprise")
    assert names.most_common(1)[0][1] == 1  # enterprise names are unique
    for subject in subjects:
        # The search columns are exactly what the app writes for these names.
        assert (subject.search_pinyin, subject.search_initials) == search_keys(
            [subject.name, *formers.get(subject.pk, [])]
        ), subject.name
        if subject.subject_type == "natural_person":
            assert subject.uscc is None
        else:
            assert is_valid_uscc(subject.uscc), subject.uscc
    for subject in subjects[::97]:
        subject.full_clean()

    records = list(CreditRecord.objects.all())
    for record in records[::53]:
        record.full_clean()  # clean() rules and constraints, e.g. severity iff negative
    # Shares, leaving out the 20 benchmark enterprises and their 4,000 records.
    usual = [r for r in records if r.subject_id > BENCHMARK_SUBJECTS]
    kinds = Counter(r.kind for r in usual)
    assert kinds["tax_credit_rating"] / len(usual) > 0.25
    assert kinds["licence"] / len(usual) > 0.25
    assert 0.05 < kinds["penalty"] / len(usual) < 0.2
    assert len(kinds) >= 20
    disclosure = Counter(r.disclosure for r in usual)
    assert 0.85 < disclosure["public"] / len(usual) < 0.95
    states = Counter(r.state for r in records)
    assert states["expired"] > 0 and states["repaired"] > 0
    negative = [r for r in records if r.kind in NEGATIVE_KINDS]
    assert all(r.severity for r in negative)
    # End of publicity and "not published" as the services set them (rules.md §6).
    by_id = {r.pk: r for r in negative}
    for record in CreditRecord.objects.filter(pk__in=list(by_id)[::7]).select_related(
        "department", "subject"
    ):
        publicity = publicity_for_record(record)
        assert record.publicity_end == publicity.end, record.pk
        assert (record.state == "unpublished") == (not publicity.published), record.pk
    assert states["unpublished"] > 0
    assert any(r.simplified_procedure for r in negative)
    assert all(r.state == "unpublished" for r in negative if r.simplified_procedure)
    assert all(
        r.decision_revoked_on is not None
        for r in negative
        if r.kind == "penalty" and r.state == "revoked"
    )
    # Only a list with notice before listing gives notice dates (rules.md §5.2).
    for entry in ListEntry.objects.select_related("credit_list"):
        noticed = entry.credit_list.objection_working_days > 0
        assert (entry.notified_on is not None) == noticed, entry.pk
        assert (entry.objection_deadline is not None) == noticed, entry.pk
        if noticed:
            assert entry.objection_deadline < entry.listed_on
    due = [
        r
        for r in records
        if r.state in ("active", "under_objection") and r.publicity_end and r.publicity_end < AS_OF
    ]
    assert len(due) == result.due_records
    assert abs(len(due) / RECORDS - DUE_SHARE) < 0.005
    days = [r.decision_date for r in records]
    assert min(days) >= AS_OF - dt.timedelta(days=6 * 366 + 31)
    assert max(days) <= AS_OF

    # The credit-file benchmark enterprises: ids 1–20, 200 public records in publicity each.
    assert [pk for pk, _code, _name in result.benchmark_subjects] == list(
        range(1, BENCHMARK_SUBJECTS + 1)
    )
    public = Counter(
        CreditRecord.objects.public()
        .filter(subject_id__lte=BENCHMARK_SUBJECTS + 1)
        .values_list("subject_id", flat=True)
    )
    assert [public[pk] for pk in range(1, BENCHMARK_SUBJECTS + 1)] == [BENCHMARK_RECORDS] * 20
    assert public[BENCHMARK_SUBJECTS + 1] < BENCHMARK_RECORDS
    assert result.list_entries > 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_services_and_commands_work_on_seeded_rows():
    from enterprises.models import Evaluation
    from enterprises.queries import subject_search
    from portal.queries import credit_file

    result = _seed()
    _pk, code, _name = result.benchmark_subjects[0]
    file = credit_file(code)
    assert file is not None
    assert len(file.records) == BENCHMARK_RECORDS

    subject = Subject.objects.get(pk=150)
    found = subject_search(q=subject.name[2:6])  # a part of the name (trigram path)
    assert subject.pk in [s.pk for s in found.subjects]
    by_pinyin = subject_search(q=subject.search_pinyin.split(" ")[0])
    assert subject.pk in [s.pk for s in by_pinyin.subjects]
    by_initials = subject_search(q=subject.search_initials.split(" ")[0])
    assert by_initials.page.count >= 1
    by_code = subject_search(q=subject.uscc)
    assert by_code.exact is not None and by_code.exact.pk == subject.pk

    call_command("rescore", stdout=io.StringIO(), stderr=io.StringIO())
    scored = Subject.objects.exclude(subject_type="natural_person").count()
    assert Evaluation.objects.count() == scored


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_command_reports_phases_and_the_benchmark_enterprises():
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "seed_demo",
            "--bulk",
            "--enterprises=300",
            "--records=6000",
            "--seed=3",
            "--as-of=2026-11-25",
            stdout=out,
            stderr=io.StringIO(),
        )
    text = out.getvalue()
    assert "copy:" in text and "indexes_constraints:" in text
    assert "6000 records" in text
    first = Subject.objects.get(pk=1)
    assert f"id=1 {first.uscc} {first.name}" in text
    assert CreditRecord.objects.public().filter(subject=first).count() == BENCHMARK_RECORDS


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_too_few_records_for_the_benchmark_enterprises_are_refused_up_front():
    with translation.override("en"), pytest.raises(BulkSeedRefused) as refused:
        _seed(enterprises=300, records=3999)
    assert "--records must be at least 4000" in str(refused.value.message)
    assert not Subject.objects.exists()
