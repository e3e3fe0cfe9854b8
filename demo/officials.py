"""The demo officials of the admin (``seed_demo`` only, never a production set-up)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from core.roles import GROUP_CREDIT_CENTRE_REVIEWER, GROUP_DEPARTMENT_OFFICER, ensure_roles
from enterprises.models import Department, OfficialProfile


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    password: str
    department: str | None
    group: str | None
    superuser: bool = False


DEMO_OFFICIALS = (
    DemoOfficial("admin", "admin", None, None, superuser=True),
    DemoOfficial("officer_amr", "demo12345", "zj-amr", GROUP_DEPARTMENT_OFFICER),
    DemoOfficial("officer_tax", "demo12345", "zj-tax", GROUP_DEPARTMENT_OFFICER),
    DemoOfficial("reviewer", "demo12345", "zj-credit-centre", GROUP_CREDIT_CENTRE_REVIEWER),
)


def demo_officials_ensure() -> list[DemoOfficial]:
    """Create the demo officials of the admin if they do not exist (idempotent).

    An existing account keeps its password; its staff flag, role group and department
    are put back. Only ``seed_demo`` calls this, never a production set-up."""
    ensure_roles()
    user_model = get_user_model()
    hashes: dict[str, str] = {}
    with transaction.atomic():
        for official in DEMO_OFFICIALS:
            user = user_model.objects.filter(username=official.username).first()
            if user is None:
                if official.password not in hashes:
                    # One hash per password: hashing is deliberately slow, and these
                    # are published demo credentials anyway.
                    hashes[official.password] = make_password(official.password)
                user = user_model(username=official.username, password=hashes[official.password])
            user.is_staff = True
            if official.superuser:
                user.is_superuser = True
            user.save()
            if official.group:
                user.groups.add(Group.objects.get(name=official.group))
            if official.department:
                OfficialProfile.objects.update_or_create(
                    user=user,
                    defaults={"department": Department.objects.get(code=official.department)},
                )
    return list(DEMO_OFFICIALS)
