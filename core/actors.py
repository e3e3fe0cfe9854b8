"""Who is acting: an official (user), a source department's API token, or a system job.

Services take an :class:`Actor`; it answers the one question the rules ask,
"may this actor write this department's data?", and labels the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .roles import GROUP_ADMINISTRATOR, GROUP_CREDIT_CENTRE_REVIEWER

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Department, DepartmentToken


@dataclass(frozen=True)
class Actor:
    user: AbstractBaseUser | AnonymousUser | None = None
    token: DepartmentToken | None = None
    system: str = ""

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser) -> Actor:
        return cls(user=user)

    @classmethod
    def for_token(cls, token: DepartmentToken) -> Actor:
        return cls(token=token)

    @classmethod
    def for_system(cls, job: str) -> Actor:
        return cls(system=job)

    @property
    def department(self) -> Department | None:
        if self.token is not None:
            return self.token.department
        official = getattr(self.user, "official", None) if self.user is not None else None
        return official.department if official is not None else None

    @cached_property
    def is_unrestricted(self) -> bool:
        """Administrators, credit-centre reviewers and system jobs act across departments."""
        if self.system:
            return True
        user = self.user
        if user is None or not user.is_authenticated:
            return False
        if getattr(user, "is_superuser", False):
            return True
        names = {group.name for group in user.groups.all()}  # type: ignore[union-attr,attr-defined]
        return bool(names & {GROUP_ADMINISTRATOR, GROUP_CREDIT_CENTRE_REVIEWER})

    def may_write(self, department_id: int) -> bool:
        if self.is_unrestricted:
            return True
        own = self.department
        return own is not None and own.pk == department_id

    @property
    def label(self) -> str:
        if self.system:
            return f"system:{self.system}"
        if self.token is not None:
            return f"token:{self.token.department.code}:{self.token.prefix}"
        if self.user is not None and self.user.is_authenticated:
            return f"user:{self.user.get_username()}"
        return "anonymous"
