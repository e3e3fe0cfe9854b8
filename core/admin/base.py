"""Plumbing shared by every app's admin: who is asking (computed once per request),
service refusals on forms, capped counts for big tables, and no deletions.

Knows nothing of the domain apps; their admins import it from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from core.actors import Actor
from core.exceptions import DomainError
from core.models import Department
from core.roles import GROUP_ADMINISTRATOR

# --- Who is asking (computed once per request: each answer costs a query) ----------------


_T = TypeVar("_T")


def _once_per_request(request: HttpRequest, name: str, compute: Callable[[], _T]) -> _T:
    """``compute()``'s answer, kept on the request as ``name`` after the first time."""
    value = getattr(request, name, None)
    if value is None:
        value = compute()
        setattr(request, name, value)
    return value


def request_actor(request: HttpRequest) -> Actor:
    return _once_per_request(request, "_credit_actor", lambda: Actor.for_user(request.user))


def is_unrestricted(request: HttpRequest) -> bool:
    """Reviewers, administrators and superusers act across departments."""
    return _once_per_request(
        request, "_credit_unrestricted", lambda: request_actor(request).is_unrestricted
    )


def own_department(request: HttpRequest) -> Department | None:
    return request_actor(request).department


def is_administrator(request: HttpRequest) -> bool:
    """Administrators and superusers: the only ones who see natural persons' ID numbers."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _once_per_request(
        request,
        "_credit_administrator",
        lambda: user.groups.filter(name=GROUP_ADMINISTRATOR).exists(),
    )


def may_see_department(request: HttpRequest, department_id: int) -> bool:
    if is_unrestricted(request):
        return True
    own = own_department(request)
    return own is not None and own.pk == department_id


def add_form_errors(form: forms.BaseForm, error: ValidationError | DomainError) -> None:
    """Put a service's refusal on the form field it names, or on the form as a whole."""
    if isinstance(error, DomainError):
        name = error.field if error.field in form.fields else None
        form.add_error(name, str(error.message))
        return
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- Big tables ---------------------------------------------------------------------------


class CappedCountPaginator(Paginator):
    """Counts at most ``CAP`` rows: a full count(*) of millions of rows takes seconds
    (DESIGN: "Cap counts"). The list shows "10,000+" and offers that many pages;
    filters and search narrow the rest."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        # The admin hands its paginator a queryset (the stubs say any sliceable sequence).
        queryset = cast("QuerySet[Any]", self.object_list)
        counted = queryset.order_by()[: self.CAP + 1].count()
        self.count_capped = counted > self.CAP
        return min(counted, self.CAP)

    count_capped = False


class NoDeleteMixin:
    """Nothing is deleted in this system: records change state, the audit trail keeps all."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
