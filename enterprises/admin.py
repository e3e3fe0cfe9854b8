"""The officials' admin (Chinese and English) for credit subjects and records.

Roles (enterprises/roles.py): a department officer sees and writes only their own
department's records; credit-centre reviewers, administrators and superusers see
everything. Every write goes through ``enterprises.services`` with the request's
:class:`Actor`, so the admin, bulk import and the department API share one set of
rules and one audit trail. Nothing is deleted here: records change state instead.

The subject and record tables hold millions of rows, so: no full ``<select>`` of
subjects (raw-id widget), joined list queries, no full ``count(*)`` (a capped count
shows "10,000+"), and searches that an index can serve.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.exceptions import DepartmentNotAllowed, DomainError
from core.roles import GROUP_ADMINISTRATOR
from core.tokens import token_revoke

from . import imports, services
from .models import (
    AuditChainHead,
    AuditEvent,
    CreditRecord,
    Department,
    DepartmentToken,
    FormerName,
    Industry,
    JobRun,
    OfficialProfile,
    RecordState,
    Region,
    Subject,
)
from .uscc import looks_like_uscc, normalize_uscc

User = get_user_model()

# --- Who is asking (computed once per request: each answer costs a query) ----------------


def request_actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "_credit_actor", None)
    if actor is None:
        actor = Actor.for_user(request.user)
        request._credit_actor = actor
    return actor


def is_unrestricted(request: HttpRequest) -> bool:
    """Reviewers, administrators and superusers act across departments."""
    value = getattr(request, "_credit_unrestricted", None)
    if value is None:
        value = request_actor(request).is_unrestricted
        request._credit_unrestricted = value
    return value


def own_department(request: HttpRequest) -> Department | None:
    return request_actor(request).department


def is_administrator(request: HttpRequest) -> bool:
    """Administrators and superusers: the only ones who see natural persons' ID numbers."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    value = getattr(request, "_credit_administrator", None)
    if value is None:
        value = user.groups.filter(name=GROUP_ADMINISTRATOR).exists()
        request._credit_administrator = value
    return value


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
        counted = self.object_list.order_by()[: self.CAP + 1].count()
        self.count_capped = counted > self.CAP
        return min(counted, self.CAP)

    count_capped = False


# A search term as common as 有限公司 matches millions of subjects: the record list
# searches the records of the first this many (narrow the term to see others).
SEARCH_MATCH_LIMIT = 2_000


class NoDeleteMixin:
    """Nothing is deleted in this system: records change state, the audit trail keeps all."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Bulk import -------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most %(limit)d MB. The first row "
            "holds the column titles."
        ) % {"limit": imports.IMPORT_MAX_BYTES // 1_048_576}
        if departments is not None:
            self.fields["department"] = forms.ModelChoiceField(
                queryset=departments,
                required=False,
                label=_("Source department"),
                help_text=_(
                    "For rows without a department column. Leave empty to give the "
                    "department per row."
                ),
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > imports.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; at most %(limit)s MB can be uploaded."),
                params={
                    "size": f"{upload.size / 1_048_576:.1f}",
                    "limit": imports.IMPORT_MAX_BYTES // 1_048_576,
                },
            )
        return upload


class ImportAdminMixin:
    """Adds "Import" (a file form, all or nothing) and a CSV template to a change list.

    Permission: the add permission on the model, as for entering one row by hand.
    """

    change_list_template = "admin/enterprises/change_list_import.html"
    import_spec: Any = None
    import_label: Any = _("Import")

    def run_import(self, request: HttpRequest, upload: Any, cleaned: dict[str, Any]) -> Any:
        raise NotImplementedError

    def import_departments(self, request: HttpRequest) -> QuerySet[Department] | None:
        return None

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/template.csv",
                wrap(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None):
        extra_context = dict(extra_context or {})
        if self.has_add_permission(request):
            extra_context["import_url"] = self._url("import")
            extra_context["import_label"] = self.import_label
        return super().changelist_view(request, extra_context)

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        chinese = request.GET.get("titles") == "zh"
        response = HttpResponse(
            imports.template_csv(self.import_spec, chinese=chinese),
            content_type="text/csv; charset=utf-8",
        )
        name = f"{self.opts.model_name}-import{'-zh' if chinese else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        departments = self.import_departments(request)
        result = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES, departments=departments)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                result = self.run_import(request, upload, form.cleaned_data)
                if result.ok:
                    self.message_user(
                        request,
                        gettext(
                            "Imported %(rows)d rows from %(file)s: %(created)d created, "
                            "%(updated)d updated."
                        )
                        % {
                            "rows": result.rows,
                            "file": upload.name,
                            "created": result.created,
                            "updated": result.updated,
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._url("changelist"))
        else:
            form = ImportForm(departments=departments)
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": self.import_label,
            "opts": opts,
            "form": form,
            "result": result,
            "columns": imports.column_help(self.import_spec),
            "template_url": self._url("import_template"),
            "changelist_url": self._url("changelist"),
            "max_rows": settings.IMPORT_MAX_ROWS,
        }
        return TemplateResponse(request, "admin/enterprises/import.html", context)


# --- Credit records ----------------------------------------------------------------------


class CreditRecordForm(forms.ModelForm):
    """Validates with the model's own rules (field-keyed errors) plus the two checks the
    services make that a form cannot see, so the admin shows field errors, not a 500."""

    actor: Actor  # set per request by CreditRecordAdmin.get_form

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Why this is entered or changed; kept in the audit trail. Required for a change."
        ),
    )

    class Meta:
        model = CreditRecord
        fields = ("subject", "department", *services.RECORD_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = self.instance.pk is not None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        department = cleaned.get("department")
        department_id = department.pk if department is not None else self.instance.department_id
        if department_id is not None and not self.actor.may_write(department_id):
            self.add_error(
                "department" if "department" in self.fields else None,
                DepartmentNotAllowed.default_message,
            )
        document = (cleaned.get("document_number") or "").strip()
        if department_id is not None and document:
            # The database constraint would say this in words no official wants to read.
            clash = CreditRecord.objects.filter(
                department_id=department_id, document_number=document
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "document_number",
                    _("This department already has a record with this document number."),
                )
        return cleaned


class CreditRecordAdmin(ImportAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    form = CreditRecordForm
    import_spec = imports.RECORDS
    import_label = _("Import records")
    list_display = (
        "title",
        "kind",
        "subject",
        "department",
        "decision_date",
        "disclosure",
        "severity",
        "state",
        "publicity_end",
    )
    list_select_related = ("subject", "department")
    search_fields = ("=subject__uscc", "=document_number", "subject__name")
    search_help_text = _("A unified social credit code, a document number or part of a name.")
    date_hierarchy = "decision_date"
    raw_id_fields = ("subject",)
    show_full_result_count = False
    paginator = CappedCountPaginator
    readonly_fields = ("state", "state_changed_at", "created_at", "updated_at")

    # --- scope: a department officer sees only their own department -----------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreditRecord]:
        queryset = super().get_queryset(request)
        if is_unrestricted(request):
            return queryset
        own = own_department(request)
        return queryset.for_department(own.pk) if own is not None else queryset.none()

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another department's record is not in the queryset: 404, not a redirect.
            raise Http404(gettext("No credit record with this id is visible to you."))
        return obj

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or may_see_department(request, obj.department_id))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Defence in depth: another department's record is not in the queryset anyway.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_see_department(request, obj.department_id))

    def get_list_filter(self, request: HttpRequest) -> tuple[Any, ...]:
        filters: tuple[Any, ...] = ("state", "kind", "disclosure", "severity")
        if is_unrestricted(request):
            filters = (*filters, "department")
        return filters

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[CreditRecord], search_term: str
    ) -> tuple[QuerySet[CreditRecord], bool]:
        """A code → that subject's records; otherwise the exact document number or part of
        the subject's name (``contains``, not ``icontains``, so a trigram index serves it).

        The two sides are looked up first and combined by id: ``document_number = …
        OR subject.name LIKE …`` across the join would scan every record."""
        term = search_term.strip()
        if not term:
            return queryset, False
        subjects = Q(name__contains=term)
        if looks_like_uscc(term):
            subjects |= Q(uscc=normalize_uscc(term))
        limit = SEARCH_MATCH_LIMIT
        subject_ids = list(
            Subject.objects.filter(subjects).order_by().values_list("pk", flat=True)[:limit]
        )
        record_ids = list(
            queryset.filter(document_number=term).order_by().values_list("pk", flat=True)[:limit]
        )
        return queryset.filter(Q(pk__in=record_ids) | Q(subject_id__in=subject_ids)), False

    # --- the form ---------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        writable = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        return [
            (
                None,
                {
                    "fields": [
                        "subject",
                        "department",
                        "kind",
                        "title",
                        "decision_date",
                        "document_number",
                        "legal_basis",
                        "content",
                    ]
                },
            ),
            (
                _("Publicity"),
                {
                    "fields": [
                        "disclosure",
                        "severity",
                        "publicity_end",
                        "state",
                        "state_changed_at",
                    ]
                },
            ),
            (
                _("Details of the kind"),
                {
                    "fields": [
                        "penalty_type",
                        "fine_amount",
                        "amount",
                        "valid_from",
                        "valid_until",
                        "tax_credit_level",
                        "tax_year",
                    ]
                },
            ),
            *([(_("Audit trail"), {"fields": ["reason"]})] if writable else []),
            (_("Record keeping"), {"fields": ["created_at", "updated_at"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A record belongs to the department that identified it, for good.
            fields = (*fields, "department")
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request_actor(request)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "department" and not is_unrestricted(request):
            own = own_department(request)
            kwargs["queryset"] = Department.objects.filter(pk=own.pk if own else None)
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        own = own_department(request)
        if own is not None and "department" not in initial:
            initial["department"] = own.pk
        return initial

    def save_model(self, request: HttpRequest, obj: CreditRecord, form: Any, change: bool) -> None:
        """Writes through the services (audit trail, rescoring), never ``obj.save()``."""
        actor = request_actor(request)
        data = {name: getattr(obj, name) for name in services.RECORD_FIELDS}
        reason = form.cleaned_data.get("reason", "")
        if change:
            record = services.record_update(
                actor=actor, record=obj, data=data, reason=reason, subject=obj.subject
            )
        else:
            record = services.record_create(
                actor=actor,
                subject=obj.subject,
                department=obj.department,
                data=data,
                reason=reason,
            )
        obj.pk = record.pk
        obj._state.adding = False
        obj._state.db = record._state.db

    # --- state changes ------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/state/",
                self.admin_site.admin_view(self.state_view),
                name="{}_{}_state".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ):
        extra_context = dict(extra_context or {})
        extra_context["state_url"] = reverse(
            "admin:enterprises_creditrecord_state", args=[object_id]
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def state_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Revoke, end publicity, mark repaired …: ``services.record_state_set`` with a reason."""
        record = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        allowed = services.STATE_TRANSITIONS.get(record.state, frozenset())
        choices = [(value, label) for value, label in RecordState.choices if value in allowed]
        form = RecordStateForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_state_set(
                    actor=request_actor(request),
                    record=record,
                    state=form.cleaned_data["state"],
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, DomainError) as error:
                add_form_errors(form, error)
            else:
                self.message_user(
                    request,
                    gettext("The state of “%(record)s” is now “%(state)s”.")
                    % {"record": record, "state": RecordState(form.cleaned_data["state"]).label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:enterprises_creditrecord_change", args=[record.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change the state of a credit record"),
            "opts": self.opts,
            "original": record,
            "form": form,
            "final": not choices,
        }
        return TemplateResponse(request, "admin/enterprises/creditrecord/state.html", context)

    # --- import ---------------------------------------------------------------------------

    def import_departments(self, request: HttpRequest) -> QuerySet[Department] | None:
        return Department.objects.all() if is_unrestricted(request) else None

    def run_import(self, request: HttpRequest, upload: Any, cleaned: dict[str, Any]) -> Any:
        return imports.records_import(
            actor=request_actor(request),
            file=upload,
            filename=upload.name,
            department=cleaned.get("department"),
        )


class RecordStateForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail, e.g. the objection decision or the repair approval."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = choices


# --- Credit subjects --------------------------------------------------------------------


class SubjectForm(forms.ModelForm):
    add_former_names = forms.CharField(
        label=_("Add former names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line. A changed name is kept as a former name by itself."),
    )

    class Meta:
        model = Subject
        fields = (
            "uscc",
            "uscc_override",
            "uscc_override_reason",
            *(name.removesuffix("_id") for name in services.SUBJECT_FIELDS),
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "uscc" in self.fields:
            # Accept what people paste (spaces, lower case); the code is normalised below
            # and checked by the model, which says which part is wrong.
            model_field = Subject._meta.get_field("uscc")
            self.fields["uscc"] = forms.CharField(
                label=model_field.verbose_name,
                max_length=40,
                required=False,
                help_text=_("18 characters; empty for natural persons."),
            )

    def clean_uscc(self) -> str | None:
        return normalize_uscc(self.cleaned_data.get("uscc") or "") or None

    def former_names(self) -> list[str]:
        text = self.cleaned_data.get("add_former_names") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class FormerNameInline(admin.TabularInline):
    """Shown, not edited: former names are added through the subject service."""

    model = FormerName
    fields = ("name", "used_until")
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubjectAdmin(ImportAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    form = SubjectForm
    import_spec = imports.SUBJECTS
    import_label = _("Import subjects")
    inlines = (FormerNameInline,)
    list_display = (
        "name",
        "uscc",
        "subject_type",
        "legal_representative",
        "registration_status",
        "region",
        "uscc_override",
    )
    list_select_related = ("region",)
    list_filter = ("subject_type", "registration_status", "uscc_override")
    search_fields = ("=uscc", "name")
    search_help_text = _("A unified social credit code or part of a name.")
    show_full_result_count = False
    paginator = CappedCountPaginator
    raw_id_fields = ("region",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Subject], search_term: str
    ) -> tuple[QuerySet[Subject], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(name__contains=term)
        if looks_like_uscc(term):
            condition |= Q(uscc=normalize_uscc(term))
        return queryset.filter(condition), False

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        writable = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        if is_administrator(request):
            person = ["id_number"]
        elif obj is not None and obj.is_natural_person:
            person = ["masked_id_number"]
        else:
            person = []
        return [
            (
                None,
                {
                    "fields": [
                        "subject_type",
                        "name",
                        "uscc",
                        "uscc_override",
                        "uscc_override_reason",
                    ]
                },
            ),
            (
                _("Registration"),
                {
                    "fields": [
                        "legal_representative",
                        "enterprise_type",
                        "established_on",
                        "address",
                        "registered_capital",
                        "business_scope",
                        "registration_status",
                        "region",
                        "industry",
                    ]
                },
            ),
            *([(_("Natural person"), {"fields": person})] if person else []),
            *([(_("Former names"), {"fields": ["add_former_names"]})] if writable else []),
            (_("Record keeping"), {"fields": ["rescore_requested_at", "created_at", "updated_at"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields: tuple[str, ...] = ("rescore_requested_at", "created_at", "updated_at")
        if not is_administrator(request):
            fields = (*fields, "masked_id_number")
        if obj is not None:
            # The code identifies the subject: a different code is a different subject.
            fields = (*fields, "uscc")
        return fields

    @admin.display(description=_("identity number"))
    def masked_id_number(self, obj: Subject) -> str:
        return obj.masked_id_number

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or [])
        if not is_administrator(request):
            excluded.append("id_number")
        return excluded

    def save_model(self, request: HttpRequest, obj: Subject, form: Any, change: bool) -> None:
        """Writes through ``services.subject_upsert`` (audit trail, former names)."""
        data = {name: getattr(obj, name) for name in services.SUBJECT_FIELDS}
        if not is_administrator(request):
            data.pop("id_number")
        subject, _created = services.subject_upsert(
            actor=request_actor(request),
            uscc=obj.uscc,
            data=data,
            override_reason=obj.uscc_override_reason if obj.uscc_override else "",
            former_names=form.former_names(),
            subject=obj if change else None,
        )
        obj.pk = subject.pk
        obj._state.adding = False
        obj._state.db = subject._state.db

    def run_import(self, request: HttpRequest, upload: Any, cleaned: dict[str, Any]) -> Any:
        return imports.subjects_import(
            actor=request_actor(request), file=upload, filename=upload.name
        )


# --- Audit trail and job runs -------------------------------------------------------------

_PERSONAL_KEYS = frozenset({"id_number"})


class ObjectTypeFilter(admin.SimpleListFilter):
    """The project's models as choices: a DISTINCT over the audit table would scan it."""

    title = _("object type")
    parameter_name = "object_type"
    _APPS = ("enterprises", "lists", "repair", "supervision")

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (model._meta.label_lower, model._meta.verbose_name)
            for app_label in self._APPS
            if apps.is_installed(app_label)
            for model in apps.get_app_config(app_label).get_models()
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> QuerySet[AuditEvent]:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id", "short_reason")
    list_filter = ("action", ObjectTypeFilter)
    search_fields = ("=object_id", "=actor_label")
    search_help_text = _("An object id or an actor such as user:alice.")
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_select_related = False
    ordering = ("-id",)
    _FIELDS = (
        "at",
        "actor_label",
        "actor_user",
        "actor_token",
        "action",
        "object_type",
        "object_id",
        "reason",
        "before",
        "after",
        "prev_hash",
        "hash",
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Natural persons' ID numbers in before/after: in full for administrators only.
        shown = (
            ("before_full", "after_full")
            if is_administrator(request)
            else (
                "before_masked",
                "after_masked",
            )
        )
        return tuple(
            {"before": shown[0], "after": shown[1]}.get(name, name) for name in self._FIELDS
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.get_fields(request, obj)

    @admin.display(description=_("reason"))
    def short_reason(self, obj: AuditEvent) -> str:
        return Truncator(obj.reason).chars(60)

    @admin.display(description=_("before"))
    def before_full(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.before, mask=False)

    @admin.display(description=_("after"))
    def after_full(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.after, mask=False)

    @admin.display(description=_("before"))
    def before_masked(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.before, mask=True)

    @admin.display(description=_("after"))
    def after_masked(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.after, mask=True)


def _pretty_json(value: Any, *, mask: bool) -> str:
    if mask and isinstance(value, dict):
        value = {
            key: ("***" if key in _PERSONAL_KEYS and item else item) for key, item in value.items()
        }
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2))


class JobRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "status",
        "started_at",
        "finished_at",
        "progress",
        "done_of_total",
        "short_error",
    )
    list_filter = ("status", "name")
    readonly_fields = (
        "name",
        "status",
        "started_at",
        "finished_at",
        "progress",
        "done",
        "total",
        "counts",
        "error",
    )
    fields = readonly_fields

    @admin.display(description=_("progress"))
    def progress(self, obj: JobRun) -> str:
        percent = obj.percent
        if percent is None:
            return "—"
        return format_html(
            '<progress value="{}" max="{}" title="{}%">{}%</progress> {}%',
            obj.done,
            obj.total,
            percent,
            percent,
            percent,
        )

    @admin.display(description=_("done / total"))
    def done_of_total(self, obj: JobRun) -> str:
        total = "?" if obj.total is None else f"{obj.total:,}"
        return f"{obj.done:,} / {total}"

    @admin.display(description=_("error"))
    def short_error(self, obj: JobRun) -> str:
        return Truncator(obj.error).chars(80)


# --- Reference data, officials and tokens ------------------------------------------------


class DepartmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "is_credit_centre")
    list_filter = ("level", "is_credit_centre")
    search_fields = ("code", "name_zh", "name_en")


class RegionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("code", "name_zh", "name_en")
    raw_id_fields = ("parent",)


class IndustryAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en")
    search_fields = ("code", "name_zh", "name_en")


class OfficialProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "department")
    list_filter = ("department",)
    list_select_related = ("user", "department")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)


class OfficialProfileInline(admin.StackedInline):
    model = OfficialProfile
    can_delete = True
    max_num = 1
    verbose_name_plural = _("department")


class UserAdmin(BaseUserAdmin):
    inlines = (*BaseUserAdmin.inlines, OfficialProfileInline)
    list_display = (*BaseUserAdmin.list_display, "official_department")
    list_select_related = ("official__department",)

    @admin.display(description=_("department"))
    def official_department(self, obj: Any) -> str:
        official = getattr(obj, "official", None)
        return str(official.department) if official is not None else "—"


class DepartmentTokenAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Read-only except revoking; the key hash is never shown in full."""

    list_display = (
        "department",
        "label",
        "key_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "active",
    )
    list_filter = ("department", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("department",)
    search_fields = ("prefix", "label", "department__code")
    fields = (
        "department",
        "label",
        "key_prefix",
        "hash_start",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are issued by ``manage.py issue_token``, shown once

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only the revoke action changes a token; the change form stays read-only.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("key prefix"))
    def key_prefix(self, obj: DepartmentToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(description=_("key hash"))
    def hash_start(self, obj: DepartmentToken) -> str:
        return f"{obj.key_hash[:8]}…"

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj: DepartmentToken) -> bool:
        return obj.revoked_at is None

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[DepartmentToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("department"):
            token_revoke(token=token, actor=request_actor(request))
            count += 1
        self.message_user(
            request, gettext("%(count)d tokens revoked.") % {"count": count}, messages.SUCCESS
        )


class AuditChainHeadAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "last_event_id", "last_hash")


admin.site.register(CreditRecord, CreditRecordAdmin)
admin.site.register(Subject, SubjectAdmin)
admin.site.register(AuditEvent, AuditEventAdmin)
admin.site.register(JobRun, JobRunAdmin)
admin.site.register(Department, DepartmentAdmin)
admin.site.register(Region, RegionAdmin)
admin.site.register(Industry, IndustryAdmin)
admin.site.register(OfficialProfile, OfficialProfileAdmin)
admin.site.register(DepartmentToken, DepartmentTokenAdmin)
admin.site.register(AuditChainHead, AuditChainHeadAdmin)
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)


# --- Public credit evaluation: catalogue editions, indicators, evaluations ----------------

from django.utils import timezone  # noqa: E402

from . import catalogue as catalogue_services  # noqa: E402
from .models import Edition, Evaluation, Indicator, IndicatorRule, ScoreHistory  # noqa: E402


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("code", "level", "name_zh", "name_en", "weight", "adds", "parent")
    raw_id_fields = ("parent",)
    extra = 0
    show_change_link = True
    ordering = ("position", "code")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a draft is edited; an active or retired edition is history.
        return (
            obj is not None
            and obj.status == Edition.Status.DRAFT
            and super().has_change_permission(request, obj)
        )

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission  # type: ignore[assignment]


class EditionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name_zh", "jurisdiction", "status", "activated_at", "problems")
    list_filter = ("status", "jurisdiction")
    readonly_fields = ("status", "activated_at", "created_at", "problems")
    inlines = [IndicatorInline]
    actions = ["validate", "activate", "copy"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.status != Edition.Status.DRAFT:
            return [f.name for f in Edition._meta.fields] + ["problems"]
        return self.readonly_fields

    @admin.display(description=_("problems"))
    def problems(self, obj: Edition) -> str:
        found = catalogue_services.edition_problems(edition=obj)
        return "; ".join(found) if found else gettext("None: weights add up.")

    @admin.action(description=_("Validate the selected editions"))
    def validate(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            found = catalogue_services.edition_problems(edition=edition)
            if found:
                self.message_user(request, f"{edition.code}: {'; '.join(found)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(code)s: weights add up.") % {"code": edition.code},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Activate the selected edition"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        if queryset.count() != 1:
            self.message_user(request, gettext("Select exactly one edition."), messages.ERROR)
            return
        edition = queryset.get()
        try:
            catalogue_services.edition_activate(actor=request_actor(request), edition=edition)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            gettext(
                "%(code)s is now in force. Scores follow at the next rescoring "
                "(nightly, or manage.py rescore)."
            )
            % {"code": edition.code},
            messages.SUCCESS,
        )

    @admin.action(description=_("Copy into a new draft"), permissions=["add"])
    def copy(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            stamp = f"{timezone.now():%Y%m%d%H%M%S}"
            copy = catalogue_services.edition_copy(
                actor=request_actor(request),
                edition=edition,
                code=f"{edition.code[:24]}-draft-{stamp}",
                name_zh=f"{edition.name_zh}（草稿）",
                name_en=f"{edition.name_en} (draft)",
            )
            self.message_user(
                request, gettext("Draft %(code)s created.") % {"code": copy.code}, messages.SUCCESS
            )


class IndicatorRuleInline(admin.StackedInline):
    model = IndicatorRule
    extra = 0
    max_num = 1

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is not None
            and obj.edition.status == Edition.Status.DRAFT
            and super().has_change_permission(request, obj)
        )

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission  # type: ignore[assignment]


class IndicatorAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name_zh", "weight", "level", "adds", "edition")
    list_filter = ("edition", "level", "adds")
    search_fields = ("code", "name_zh", "name_en")
    raw_id_fields = ("parent",)
    list_select_related = ("edition",)
    ordering = ("edition", "position", "code")
    inlines = [IndicatorRuleInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.edition.status != Edition.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)


class EvaluationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("subject", "score", "grade", "evaluated_at", "edition")
    list_filter = ("grade", "edition")
    list_select_related = ("subject", "edition")
    raw_id_fields = ("subject",)
    search_fields = ("=subject__uscc",)
    paginator = CappedCountPaginator
    show_full_result_count = False


class ScoreHistoryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("subject", "score", "grade", "at", "edition")
    list_select_related = ("subject", "edition")
    raw_id_fields = ("subject",)
    search_fields = ("=subject__uscc",)
    paginator = CappedCountPaginator
    show_full_result_count = False


admin.site.register(Edition, EditionAdmin)
admin.site.register(Indicator, IndicatorAdmin)
admin.site.register(Evaluation, EvaluationAdmin)
admin.site.register(ScoreHistory, ScoreHistoryAdmin)
