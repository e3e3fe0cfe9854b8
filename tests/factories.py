"""factory_boy factories shared by all test folders."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from enterprises.models import (
    CreditRecord,
    Department,
    Disclosure,
    OfficialProfile,
    RecordState,
    Subject,
)
from enterprises.uscc import build_uscc

_org_numbers = itertools.count(10_000_000)


def next_uscc(division: str = "330100") -> str:
    return build_uscc("91", division, str(next(_org_numbers)))


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-dept-{n}")
    name_zh = factory.Sequence(lambda n: f"测试部门{n}")
    name_en = factory.Sequence(lambda n: f"Test department {n}")
    level = Department.Level.PROVINCIAL


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    subject_type = Subject.SubjectType.ENTERPRISE
    name = factory.Sequence(lambda n: f"杭州测试{n}科技有限公司")
    uscc = factory.LazyFunction(next_uscc)
    legal_representative = "张三"
    enterprise_type = "有限责任公司"
    established_on = dt.date(2015, 3, 1)
    address = "浙江省杭州市西湖区文三路1号"
    registered_capital = 100
    region_id = "330106"
    industry_id = "I"


class CreditRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditRecord

    subject = factory.SubFactory(SubjectFactory)
    department = factory.SubFactory(DepartmentFactory)
    kind = "penalty"
    decision_date = dt.date(2025, 6, 1)
    document_number = factory.Sequence(lambda n: f"杭市监罚〔2025〕{n}号")
    title = "违反广告法"
    content = "发布虚假广告，罚款。"
    disclosure = Disclosure.PUBLIC
    severity = "general"
    penalty_type = "fine"
    fine_amount = 5000
    publicity_end = dt.date(2028, 6, 1)
    state = RecordState.ACTIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"official{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


def make_officer(department: Department, username: str | None = None):
    """A department officer (role group + profile) of ``department``."""
    from core.roles import ensure_roles

    ensure_roles()
    user = UserFactory(
        username=username or f"officer-{department.code}", groups=["department_officer"]
    )
    OfficialProfile.objects.update_or_create(user=user, defaults={"department": department})
    return user
