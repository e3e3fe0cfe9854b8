"""Filters of public pages offer only what public information supports (rules.md §3.5):
the commitments page names no accepting unit whose commitments are all non-public."""

from __future__ import annotations

import datetime as dt

import pytest

from enterprises.models import CreditCommitment, Disclosure
from tests.factories import DepartmentFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def _commitment(unit, disclosure):
    return CreditCommitment.objects.create(
        subject=SubjectFactory(),
        commitment_type="approval_substitute",
        reason="审批替代型",
        committed_on=dt.date(2022, 8, 24),
        accepting_unit=unit,
        content="承诺内容",
        disclosure=disclosure,
    )


def test_commitment_units_are_those_of_public_commitments(client):
    shown = DepartmentFactory(code="walk-public-unit", name_zh="公开受理单位")
    hidden = DepartmentFactory(code="walk-hidden-unit", name_zh="仅内部受理单位")
    _commitment(shown, Disclosure.PUBLIC)
    _commitment(hidden, Disclosure.GOVERNMENT)
    _commitment(hidden, Disclosure.PARTIAL)

    form = client.get("/commitments/").context["form"]
    units = [code for code, _name in form.fields["unit"].choices]
    assert "walk-public-unit" in units and "walk-hidden-unit" not in units
