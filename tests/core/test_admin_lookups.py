"""URL filters in the admin cannot test masked or secret fields (rules.md §11.1).

The change list turns any query parameter into a filter; answering "row / no row" to
``?id_number__startswith=<prefix>`` recovers a masked identity number one character at a
time. Non-administrators may only use the filters their change list offers, never one
that touches a masked or secret field, and the audit trail never stores a full number.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.actors import Actor
from core.admin.base import GuardedLookupsMixin, touches_secret_field
from core.audit import audit_change, audit_verify, snapshot
from core.roles import ensure_roles
from enterprises.models import AuditEvent, Department, Subject
from enterprises.services import subject_upsert
from tests.factories import SubjectFactory, UserFactory, make_officer

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010119900307123X"
MASKED = "1101************3X"
PERSON = "李测试"

SUBJECTS = reverse("admin:enterprises_subject_changelist")
AUDIT = reverse("admin:enterprises_auditevent_changelist")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def amr() -> Department:
    return Department.objects.get(code="zj-amr")


@pytest.fixture
def officer(amr) -> Client:
    return login(make_officer(amr))


@pytest.fixture
def reviewer() -> Client:
    ensure_roles()
    return login(UserFactory(username="reviewer", groups=["credit_centre_reviewer"]))


@pytest.fixture
def administrator() -> Client:
    ensure_roles()
    return login(UserFactory(username="administrator", groups=["administrator"]))


@pytest.fixture
def person() -> Subject:
    subject, _ = subject_upsert(
        actor=Actor.for_system("tests"),
        uscc=None,
        data={"subject_type": "natural_person", "name": PERSON, "id_number": ID_NUMBER},
    )
    return subject


def _rows(response) -> int:
    return len(response.context["cl"].result_list)


# --- the oracle is closed -------------------------------------------------------------


def test_officer_filter_on_the_id_number_is_refused_and_says_nothing(officer, person):
    right = officer.get(SUBJECTS, {"q": PERSON, "id_number__startswith": ID_NUMBER[:5]})
    wrong = officer.get(SUBJECTS, {"q": PERSON, "id_number__startswith": "9"})
    assert right.status_code == wrong.status_code == 400
    # Same answer whether the guess is right or wrong: no row, no count, no difference.
    assert right.content == wrong.content
    assert PERSON not in right.content.decode()
    # Refused before the subject table is read: no timing difference either.
    with CaptureQueriesContext(connection) as queries:
        assert officer.get(SUBJECTS, {"id_number__startswith": "1"}).status_code == 400
    assert not [q for q in queries.captured_queries if "enterprises_subject" in q["sql"]]
    for lookup in ("id_number", "id_number__exact", "id_number__regex", "id_number__gt"):
        assert officer.get(SUBJECTS, {lookup: ID_NUMBER}).status_code == 400, lookup


def test_officer_cannot_reach_the_id_number_through_a_relation(officer, person):
    records = reverse("admin:enterprises_creditrecord_changelist")
    response = officer.get(records, {"subject__id_number__startswith": "1"})
    assert response.status_code == 400


def test_reviewer_filter_on_an_audit_json_path_is_refused(reviewer, person):
    for lookup in (
        "after__id_number__startswith",
        "after__id_number",
        "after__contains",
        "before__id_number__isnull",
        "after__has_key",
    ):
        right = reviewer.get(AUDIT, {lookup: ID_NUMBER[:3]})
        wrong = reviewer.get(AUDIT, {lookup: "999"})
        assert right.status_code == wrong.status_code == 400, lookup
        assert right.content == wrong.content, lookup


def test_reviewer_cannot_filter_on_a_field_the_list_does_not_offer(reviewer, person):
    """Not secret, but not offered either: only the change list's own filters pass."""
    assert reviewer.get(AUDIT, {"reason__startswith": "x"}).status_code == 400
    assert reviewer.get(SUBJECTS, {"legal_representative__startswith": "张"}).status_code == 400


def test_administrator_may_still_filter_on_the_id_number(administrator, person):
    SubjectFactory(name="杭州另一家公司")
    right = administrator.get(SUBJECTS, {"id_number__startswith": ID_NUMBER[:5]})
    wrong = administrator.get(SUBJECTS, {"id_number__startswith": "9"})
    assert right.status_code == wrong.status_code == 200
    assert _rows(right) == 1 and _rows(wrong) == 0
    audit = administrator.get(AUDIT, {"object_type": "enterprises.subject"})
    assert audit.status_code == 200


# --- what the change lists offer keeps working ----------------------------------------


def test_officer_list_filters_and_date_hierarchy_still_work(officer, amr, person):
    from tests.factories import CreditRecordFactory

    CreditRecordFactory(department=amr, title="公开处罚")
    CreditRecordFactory(department=amr, title="撤销处罚", state="revoked")
    records = reverse("admin:enterprises_creditrecord_changelist")
    response = officer.get(records, {"state__exact": "revoked"})
    assert response.status_code == 200
    assert [r.title for r in response.context["cl"].result_list] == ["撤销处罚"]
    for params in (
        {"kind__exact": "penalty", "disclosure__exact": "public"},
        {"severity__exact": "general"},
        {"decision_date__year": "2025", "decision_date__month": "6"},
        {"q": "撤销"},
        {"o": "1", "p": "0"},
    ):
        assert officer.get(records, params).status_code == 200, params
    subjects = officer.get(
        SUBJECTS, {"subject_type__exact": "natural_person", "uscc_override__exact": "0"}
    )
    assert subjects.status_code == 200 and _rows(subjects) == 1


def test_reviewer_audit_filters_still_work(reviewer, person):
    response = reviewer.get(
        AUDIT, {"action__exact": "create", "object_type": "enterprises.subject"}
    )
    assert response.status_code == 200 and _rows(response) == 1
    assert reviewer.get(AUDIT, {"q": str(person.pk)}).status_code == 200


def test_raw_id_popup_still_opens_for_an_officer(officer, person):
    response = officer.get(SUBJECTS, {"_to_field": "id", "_popup": "1"})
    assert response.status_code == 200


# --- every admin of the project is guarded --------------------------------------------


PROJECT_APPS = {"enterprises", "lists", "repair", "supervision", "auth"}


def test_every_project_admin_guards_its_url_lookups():
    unguarded = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
        and not isinstance(model_admin, GuardedLookupsMixin)
    ]
    # Groups are Django's own page, open to administrators only.
    assert unguarded == ["GroupAdmin"]


def test_no_search_of_a_non_administrator_touches_a_secret_field(rf):
    from core.models import DepartmentToken
    from repair.models import Case

    request = rf.get("/admin/")
    request.user = make_officer(Department.objects.get(code="zj-amr"), username="searcher")
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, GuardedLookupsMixin):
            continue
        for field in model_admin.get_search_fields(request):
            assert not touches_secret_field(model, field.lstrip("^=@")), (model, field)
    # The registry knows the secret fields the rules name.
    assert touches_secret_field(Subject, "id_number__startswith")
    assert touches_secret_field(AuditEvent, "after__id_number")
    assert touches_secret_field(DepartmentToken, "key_hash")
    assert touches_secret_field(Case, "contact_email__contains")
    assert not touches_secret_field(Subject, "name__contains")


# --- the audit trail keeps the masked number ------------------------------------------


def test_audit_row_of_a_natural_person_stores_the_masked_number(person, capsys):
    event = AuditEvent.objects.get(object_type="enterprises.subject", object_id=str(person.pk))
    assert event.after["id_number"] == MASKED
    assert ID_NUMBER not in str(event.after)
    person.refresh_from_db()
    assert person.id_number == ID_NUMBER  # the subject itself keeps the full number
    # A change of the number is still recorded (both sides masked), and the chain verifies.
    before = snapshot(person)
    person.id_number = "110101199003074417"
    person.save()
    audit_change(actor=Actor.for_system("tests"), instance=person, before=before)
    change = AuditEvent.objects.filter(object_id=str(person.pk)).latest("id")
    assert change.before == {"id_number": MASKED}
    assert change.after == {"id_number": "1101************17"}
    assert audit_verify().ok
    call_command("verify_audit")
    assert "rows verified" in capsys.readouterr().out
