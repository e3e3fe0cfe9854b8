"""Credit records in the admin: scoped to the official's department, written through
``enterprises.services``, state changes on a page of their own, bulk import."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.admin.base import (
    CappedCountPaginator,
    GuardedModelAdmin,
    NoDeleteMixin,
    add_form_errors,
    is_unrestricted,
    may_see_department,
    own_department,
    request_actor,
)
from core.exceptions import DepartmentNotAllowed, DomainError
from enterprises import imports, services
from enterprises.models import (
    CreditRecord,
    CreditRecordQuerySet,
    Department,
    RecordState,
    Subject,
)
from enterprises.uscc import looks_like_uscc, normalize_uscc

from .bulk_import import ImportAdminMixin
from .order45 import Order45Filter, order45_clock_display

# A search term as common as 有限公司 matches millions of subjects: the record list
# searches the records of the first this many (narrow the term to see others).
SEARCH_MATCH_LIMIT = 2_000


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
        cleaned = super().clean() or {}  # a ModelForm's clean() returns its cleaned_data
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


class CreditRecordAdmin(ImportAdminMixin, NoDeleteMixin, GuardedModelAdmin):
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
    readonly_fields = ("state", "state_changed_at", "order45_clock", "created_at", "updated_at")

    @admin.display(description=_("Order 45 clocks"))
    def order45_clock(self, obj: CreditRecord) -> str:
        return order45_clock_display(obj)

    # --- scope: a department officer sees only their own department -----------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreditRecord]:
        # The default manager's queryset: CreditRecord.objects is a CreditRecordQuerySet manager.
        queryset = cast(CreditRecordQuerySet, super().get_queryset(request))
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and str(match.url_name).endswith("_changelist")
            and request.GET.get("state__exact") != RecordState.ARCHIVED
        ):
            # Archived after retention (rules.md §6.6): out of the list unless asked for.
            queryset = queryset.exclude(state=RecordState.ARCHIVED)
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
        filters: tuple[Any, ...] = ("state", "kind", "disclosure", "severity", Order45Filter)
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
                        "decision_revoked_on",
                        "order45_clock",
                    ]
                },
            ),
            (
                _("Details of the kind"),
                {
                    "fields": [
                        "penalty_type",
                        "simplified_procedure",
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
            # Only their own department; none at all for an official without one.
            kwargs["queryset"] = (
                Department.objects.filter(pk=own.pk) if own else Department.objects.none()
            )
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
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
        allowed = services.record_state_choices(request_actor(request), record)
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
        cast(forms.ChoiceField, self.fields["state"]).choices = choices
