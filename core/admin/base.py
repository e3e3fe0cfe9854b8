"""Plumbing shared by every app's admin: who is asking (computed once per request),
the URL filters a change list accepts, service refusals on forms, capped counts for big
tables, and no deletions.

Knows nothing of the domain apps; their admins import it from here. Every admin of the
project derives from :class:`GuardedModelAdmin` (or puts :class:`GuardedLookupsMixin`
before another admin base) and names its model's masked or secret fields with
:func:`register_secret_fields`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Field, Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
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


# --- URL filters: no oracle on masked or secret data (rules.md §11.1, §11.2) -------------
#
# Django's change list turns every query parameter it does not know into a filter, and its
# ``lookup_allowed`` accepts any lookup on the model's own fields. "Row or no row" for
# ``?id_number__startswith=<prefix>`` then recovers a masked identity number one character
# at a time. Here a non-administrator's URL may only use the filters the change list offers
# (its list filters and date hierarchy, plus an admin's declared ``url_lookups``), and no
# one but an administrator may filter or search on a field registered as secret. A refused
# lookup raises ``DisallowedModelAdminLookup``: a 400 with no rows and no counts.

_SECRET_FIELDS: dict[str, set[str]] = {}

# The parameters Django's field list filters put in the URL for a field path ``f``:
# ``f__exact`` and ``f__isnull`` (choices, booleans, all values, relations), ``f__gte`` and
# ``f__lt`` (dates), ``f__isempty`` (empty or not), and ``f__<target>__exact`` (relations).
_FIELD_FILTER_LOOKUPS = ("exact", "isnull", "gte", "lt", "isempty")
_DATE_HIERARCHY_LOOKUPS = ("year", "month", "day")


def _model_label(model: type[Model]) -> str:
    concrete = model._meta.concrete_model or model  # a proxy's fields are its concrete model's
    return concrete._meta.label_lower


def register_secret_fields(model: type[Model], *names: str) -> None:
    """Fields holding masked or secret data (identity numbers, key hashes, contact data,
    audit snapshots): no URL filter and no search of anyone but an administrator may
    test them, directly or through a relation (rules.md §11.1)."""
    for name in names:
        model._meta.get_field(name)  # a misspelt name fails at start-up, not silently
    _SECRET_FIELDS.setdefault(_model_label(model), set()).update(names)


def touches_secret_field(model: type[Model], lookup: str) -> bool:
    """Whether the lookup path (``subject__id_number__startswith``, ``after__id_number``)
    passes through a registered secret field. Parts after a non-relational field are
    transforms, lookups or JSON keys of that field."""
    opts = model._meta
    for part in lookup.split(LOOKUP_SEP):
        name = opts.pk.name if part == "pk" else part
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            return False
        if isinstance(field, Field) and field.name in _SECRET_FIELDS.get(
            _model_label(field.model), ()
        ):
            return True
        related = field.related_model if field.is_relation else None
        if related is None or isinstance(related, str):
            return False
        opts = related._meta
    return False


# The mixin goes before an admin base class and calls on it; mypy is told so, the running
# code stays a plain mixin.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class GuardedLookupsMixin(_AdminBase):
    """Administrators keep Django's URL filters; anyone else gets only the change list's
    own, and never one on a secret field (rules.md §11.2)."""

    # URL filters offered beyond the list filters and the date hierarchy (e.g. a link from
    # another page), in full: ``"department__id__exact"``.
    url_lookups: tuple[str, ...] = ()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if request is not None and is_administrator(request):
            return super().lookup_allowed(lookup, value, request)
        if touches_secret_field(self.model, lookup):
            return False
        return lookup in self.offered_lookups(request) or self._popup_lookup(lookup, value)

    def offered_lookups(self, request: HttpRequest | None) -> frozenset[str]:
        """The URL parameters this change list's own filters use."""
        offered = set(self.url_lookups)
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        for item in filters:
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                if item.parameter_name:
                    offered.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, list | tuple) else item
            if isinstance(path, Field):
                path = path.name
            if not isinstance(path, str):
                continue  # a list filter class of its own: its admin names it in url_lookups
            offered.update(f"{path}{LOOKUP_SEP}{lookup}" for lookup in _FIELD_FILTER_LOOKUPS)
            target = getattr(get_fields_from_path(self.model, path)[-1], "target_field", None)
            if target is not None:
                offered.add(f"{path}{LOOKUP_SEP}{target.name}{LOOKUP_SEP}exact")
        if self.date_hierarchy:
            offered.update(
                f"{self.date_hierarchy}{LOOKUP_SEP}{part}" for part in _DATE_HIERARCHY_LOOKUPS
            )
        return frozenset(offered)

    def _popup_lookup(self, lookup: str, value: str) -> bool:
        """The ``limit_choices_to`` parameters of a raw-id popup (as Django allows them)."""
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False

    def get_search_fields(self, request: HttpRequest) -> list[str] | tuple[str, ...]:
        fields = super().get_search_fields(request)
        if is_administrator(request):
            return fields
        return [name for name in fields if not touches_secret_field(self.model, name.lstrip("^=@"))]


class GuardedModelAdmin(GuardedLookupsMixin, admin.ModelAdmin):
    """The base of every admin of the project."""


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
