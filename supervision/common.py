"""What the draw and commitment services share: who may act on a department's plans,
draws and commitments (rules.md §1.1, §9, §10), and the error of a refused step."""

from __future__ import annotations

from typing import Any

from core.actors import Actor
from core.exceptions import DepartmentNotAllowed, DomainError


def _check_department(actor: Actor, department_id: int) -> None:
    if not actor.may_write(department_id):
        raise DepartmentNotAllowed(field="department")


def _user_of(actor: Actor) -> Any:
    user = actor.user
    return user if user is not None and user.is_authenticated else None


class DrawError(DomainError):
    """A draw that cannot be made as asked (message names the reason)."""
