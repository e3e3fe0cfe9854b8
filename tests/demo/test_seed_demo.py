"""``manage.py seed_demo``: deterministic, valid, realistic demo data written in bulk."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import translation
from stdnum.cn import ric

from core.audit import audit_verify
from demo import seeding
from demo.data.industries import INDUSTRIES
from demo.data.names import BRAND_GRID, BRAND_SECOND, PROVINCIAL_BRANDS
from demo.data.places import CITIES
from demo.helpers import add_years
from demo.officials import demo_officials_ensure
from demo.subjects import _Generator, generate, plan
from enterprises.models import (
    AuditEvent,
    CreditRecord,
    Disclosure,
    FormerName,
    JobRun,
    RecordState,
    Severity,
    Subject,
)
from enterprises.publicity import publicity_for_record
from enterprises.reference import REGIONS
from enterprises.uscc import validate_uscc
from rules.kinds import NEGATIVE_KINDS, RecordKind

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
COUNTIES = {code for code, _zh, _en, level, _parent in REGIONS if level == "county"}
RECORD_FIELDS = (
    "subject__uscc",
    "subject__id_number",
    "subject__name",
    "kind",
    "department__code",
    "decision_date",
    "document_number",
    "legal_basis",
    "title",
    "content",
    "disclosure",
    "severity",
    "publicity_end",
    "state",
    "state_changed_at",
    "penalty_type",
    "fine_amount",
    "amount",
    "valid_from",
    "valid_until",
    "tax_credit_level",
    "tax_year",
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The demo officials' passwords are hashed; the default hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(enterprises: int, seed: int = 1, **options) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(
            "seed_demo",
            enterprises=enterprises,
            seed=seed,
            as_of=AS_OF.isoformat(),
            stdout=out,
            stderr=StringIO(),
            **options,
        )
    return out.getvalue()


def snapshot() -> tuple[list[tuple], list[tuple]]:
    subjects = list(Subject.objects.order_by("id").values_list("uscc", "id_number", "name"))
    # Penalty records of random inspections (demo.inspections) depend on the draw seed,
    # which includes the plan id: a wipe does not reset ids, so they are left out here.
    records = sorted(
        CreditRecord.objects.filter(inspection__isnull=True).values_list(*RECORD_FIELDS),
        key=lambda row: tuple(map(str, row)),
    )
    return subjects, records


def wipe() -> None:
    from enterprises.models import CreditCommitment
    from lists.models import ListEntry
    from repair.models import CreditServiceAgency, SubjectContact, TrainingCertificate
    from supervision.models import Draw, Inspection, InspectionPlan, Inspector

    # The seed also writes list entries, credit commitments, random inspections and
    # contact e-mails and training certificates, which protect subjects (and an
    # inspection its penalty record).
    SubjectContact.objects.all().delete()
    TrainingCertificate.objects.all().delete()
    CreditServiceAgency.objects.all().delete()
    Inspection.objects.all().delete()
    Draw.objects.all().delete()
    InspectionPlan.objects.all().delete()
    Inspector.objects.all().delete()
    ListEntry.objects.all().delete()
    CreditCommitment.objects.all().delete()
    CreditRecord.objects.all().delete()
    FormerName.objects.all().delete()
    Subject.objects.all().delete()


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    seed(150)
    first = snapshot()
    wipe()
    seed(150, batch_size=13)  # batch boundaries must not change what is generated
    assert snapshot() == first
    assert len(first[0]) == sum(plan(150).values())
    assert len(first[1]) > 150
    wipe()
    seed(150, seed=2)
    assert snapshot()[0] != first[0]


def test_codes_names_and_identity_numbers_are_valid_and_unique():
    seed(300)
    organisations = Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON)
    prefixes = {
        Subject.SubjectType.ENTERPRISE: "91",
        Subject.SubjectType.SOCIAL_ORGANISATION: "51",
        Subject.SubjectType.PUBLIC_INSTITUTION: "12",
    }
    seen_types = set()
    for subject in organisations:
        assert validate_uscc(subject.uscc) == subject.uscc
        assert subject.uscc.startswith(prefixes[subject.subject_type])
        # The division inside the code is the subject's county-level region.
        assert subject.uscc[2:8] == subject.region_id
        assert subject.region_id in COUNTIES
        seen_types.add(subject.subject_type)
    assert seen_types == set(prefixes)
    names = list(organisations.values_list("name", flat=True))
    assert len(names) == len(set(names))
    persons = Subject.objects.filter(subject_type=Subject.SubjectType.NATURAL_PERSON)
    assert persons.count() == plan(300)[Subject.SubjectType.NATURAL_PERSON]
    for person in persons:
        assert person.uscc is None
        assert ric.is_valid(person.id_number)


def test_enterprise_names_look_like_zhejiang_companies():
    seed(200)
    city_prefixes = (*(city.short for city in CITIES), "浙江")
    county_cities = tuple(name for code, name, *_rest in REGIONS if code in COUNTIES)
    forms = ("公司", "商行", "经营部", "工作室", "）")
    for name, legal_representative in Subject.objects.enterprises().values_list(
        "name", "legal_representative"
    ):
        assert name.startswith(city_prefixes + county_cities), name
        assert name.endswith(forms), name
        assert 2 <= len(legal_representative) <= 4


def test_every_record_kind_appears_in_a_small_demo():
    seed(300)
    kinds = set(CreditRecord.objects.values_list("kind", flat=True).distinct())
    assert kinds == set(RecordKind.values)


def test_records_and_subjects_pass_full_clean_and_follow_the_publicity_rules():
    seed(300)
    for subject in Subject.objects.all()[::9]:
        subject.full_clean()
    negative = 0
    for record in CreditRecord.objects.select_related("subject")[::5]:
        record.full_clean()
        if record.kind not in NEGATIVE_KINDS:
            assert record.severity == ""
            continue
        negative += 1
        # The end and whether it is published are the rules' (rules.md §6), as the
        # services would set them.
        publicity = publicity_for_record(record)
        assert record.publicity_end == publicity.end, record
        assert (record.state == RecordState.UNPUBLISHED) == (not publicity.published), record
        if record.state == RecordState.EXPIRED:
            assert record.publicity_end < AS_OF
            assert record.state_changed_at is not None
        elif record.state == RecordState.ACTIVE:
            assert record.publicity_end is None or record.publicity_end >= AS_OF
    assert negative > 10


def test_shares_are_roughly_realistic():
    seed(500)
    enterprises = Subject.objects.enterprises()
    total = enterprises.count()

    def share(**filters) -> float:
        return enterprises.filter(**filters).distinct().count() / total

    negative = share(records__kind__in=NEGATIVE_KINDS)
    assert negative < 0.4  # most enterprises are clean
    assert 0.1 <= share(records__kind=RecordKind.PENALTY) <= 0.28
    assert 0.04 <= share(records__kind__in=["honour", "donation", "volunteering"]) <= 0.18
    assert share(records__kind=RecordKind.TAX_CREDIT_RATING) > 0.4
    assert share(records__kind=RecordKind.LICENCE) > 0.8
    records = CreditRecord.objects.count()
    public = CreditRecord.objects.filter(disclosure=Disclosure.PUBLIC).count() / records
    assert 0.82 <= public <= 0.96
    assert CreditRecord.objects.filter(disclosure=Disclosure.PARTIAL).exists()
    assert CreditRecord.objects.filter(disclosure=Disclosure.GOVERNMENT).exists()
    severities = dict(
        CreditRecord.objects.exclude(severity="")
        .values("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    assert severities[Severity.GENERAL] > severities[Severity.MINOR] > 0
    assert severities[Severity.GENERAL] > severities.get(Severity.SERIOUS, 0) > 0
    states = set(CreditRecord.objects.values_list("state", flat=True))
    assert {RecordState.ACTIVE, RecordState.EXPIRED, RecordState.REPAIRED} <= states
    existing = share(registration_status=Subject.RegistrationStatus.EXISTING)
    assert existing > 0.75
    assert FormerName.objects.exists()
    decisions = CreditRecord.objects.exclude(kind__in=["licence", "qualification"])
    oldest = decisions.order_by("decision_date").first().decision_date
    assert oldest >= add_years(AS_OF, -6)
    assert not CreditRecord.objects.filter(decision_date__gt=AS_OF).exists()
    established = enterprises.values_list("established_on", flat=True)
    assert min(established).year >= 1995
    assert max(established).year <= 2025


def test_if_empty_leaves_existing_data_alone():
    seed(30)
    before = snapshot()
    jobs = JobRun.objects.count()
    output = seed(30, seed=2, if_empty=True)
    assert f"Demo data already present: {len(before[0])} subjects" in output
    assert snapshot() == before
    assert JobRun.objects.count() == jobs


def test_refuses_a_database_that_already_has_subjects():
    seed(10)
    with pytest.raises(CommandError, match="already holds"):
        seed(10, seed=2)


def test_one_audit_row_per_run_and_the_chain_verifies():
    seed(60)
    # Random inspections are written through their services, each step audited.
    events = list(AuditEvent.objects.filter(object_type="enterprises.subject"))
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.object_type, event.object_id) == (
        "bulk",
        "enterprises.subject",
        "seed_demo",
    )
    assert event.actor_label == "system:seed_demo"
    assert event.after["enterprises"] == 60
    assert event.after["records"] == CreditRecord.objects.filter(inspection__isnull=True).count()
    assert event.after["seed"] == 1
    assert audit_verify().ok


def test_job_run_and_summary_line():
    output = seed(40)
    job = JobRun.objects.get(name="seed_demo")
    subjects = Subject.objects.count()
    records = CreditRecord.objects.filter(inspection__isnull=True).count()  # bulk ones
    assert job.status == JobRun.Status.SUCCEEDED
    assert job.total == job.done == subjects
    assert job.counts["records"] == records
    assert job.finished_at is not None
    others = subjects - 40
    assert f"Seeded 40 enterprises, {others} other subjects, {records} records in " in output


def test_a_failure_part_way_is_recorded_on_the_job_run_and_in_the_audit_trail(monkeypatch):
    real_generate = seeding.generate

    def failing_generate(**kwargs):
        rows = real_generate(**kwargs)
        yield from (next(rows) for _ in range(3))
        raise RuntimeError("disk full")

    monkeypatch.setattr(seeding, "generate", failing_generate)
    with pytest.raises(CommandError, match="disk full"):
        seed(20, batch_size=2)
    job = JobRun.objects.get(name="seed_demo")
    assert job.status == JobRun.Status.FAILED
    assert "RuntimeError: disk full" in job.error
    assert job.done == Subject.objects.count() == 2  # the first batch was committed
    event = AuditEvent.objects.get()
    assert event.reason == "demo data (failed part-way)"
    assert event.after["enterprises"] == 2
    assert audit_verify().ok
    assert not get_user_model().objects.exists()


def test_demo_officials_are_created_once_with_their_roles():
    output = seed(10)
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("admin")
    expected = {
        "officer_amr": ("zj-amr", "department_officer"),
        "officer_tax": ("zj-tax", "department_officer"),
        "reviewer": ("zj-credit-centre", "credit_centre_reviewer"),
    }
    for username, (department, group) in expected.items():
        user = users.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert user.check_password("demo12345")
        assert user.official.department.code == department
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert username in output
    admin.set_password("changed-by-the-operator")
    admin.save()
    demo_officials_ensure()  # idempotent; keeps a changed password
    assert users.filter(username__in=["admin", *expected]).count() == 4
    assert users.get(username="admin").check_password("changed-by-the-operator")


def test_refuses_production_unless_forced(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed(5)
    assert not Subject.objects.exists()
    output = seed(5, force=True)
    assert Subject.objects.enterprises().count() == 5
    # Demo credentials never reach a production site, even when forced.
    assert not get_user_model().objects.filter(username="admin").exists()
    assert "not created" in output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"enterprises": -1}, "--enterprises"),
        ({"batch_size": 0}, "--batch-size"),
        ({"as_of": "30/06/2026"}, "--as-of"),
    ],
)
def test_bad_options_are_named(options, message):
    arguments = {"enterprises": 5, "seed": 1, "stdout": StringIO(), "stderr": StringIO()}
    arguments.update(options)
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("seed_demo", **arguments)
    assert not Subject.objects.exists()


# --- Generators, without the database ---------------------------------------------------


@pytest.mark.django_db(False)
def test_generator_is_lazy_and_deterministic():
    rows = generate(enterprises=10**9, seed=7, as_of=AS_OF)
    first = [next(rows) for _ in range(5)]  # a billion would not fit in memory
    again = generate(enterprises=10**9, seed=7, as_of=AS_OF)
    assert [r.subject for r in first] == [next(again).subject for _ in range(5)]


@pytest.mark.django_db(False)
def test_a_full_bucket_goes_round_again_with_a_disambiguator():
    generator = _Generator(seed=1, as_of=AS_OF)
    city = CITIES[0]
    size = len(city.brands) + len(BRAND_GRID)
    brands = [generator.brand(city.short, city, "机械") for _ in range(2 * size + 10)]
    assert len(set(brands)) == len(brands)
    assert all(len(brand) == 2 for brand in brands[:size])
    assert all(len(brand) == 3 for brand in brands[size:])


@pytest.mark.django_db(False)
def test_name_parts_cannot_run_into_each_other():
    """Names are unique by construction only if "prefix + brand + word" splits one way:
    no industry word may be a brand's second character followed by another word, and
    no two name prefixes may share their first two characters."""
    words = {word for industry in INDUSTRIES for word in industry.words}
    second = (
        set(BRAND_SECOND)
        | {brand[1] for city in CITIES for brand in city.brands}
        | {brand[1] for brand in PROVINCIAL_BRANDS}
    )
    clashes = [w for w in words if w[0] in second and w[1:] in words]
    assert clashes == []
    prefixes = [city.short for city in CITIES] + ["浙江"]
    prefixes += [name for code, name, *_rest in REGIONS if code in COUNTIES and name[-1] == "市"]
    assert len({prefix[:2] for prefix in prefixes}) == len(prefixes)


@pytest.mark.django_db(False)
def test_another_as_of_date_keeps_names_and_codes():
    def subjects(as_of: dt.date) -> list[tuple]:
        rows = generate(enterprises=300, seed=3, as_of=as_of)
        return [(r.subject["name"], r.subject["uscc"], r.subject["id_number"]) for r in rows]

    assert subjects(AS_OF) == subjects(dt.date(2027, 3, 1))
