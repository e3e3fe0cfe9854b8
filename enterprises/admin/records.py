"""Credit records in the admin: scoped to the official's department, written through
``enterprises.services``, state changes on a page of their own, bulk import."""

from __future__ import annotations

import copy
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
from core.exceptions import DomainError
from enterprises import imports, services
from enterprises.models import (
    CreditRecord,
    CreditRecordQuerySet,
    Department,
    RecordState,
    Subject,
)
from enterprises.publicity import publicity_preview
from enterprises.queries import subject_ids_matching
from rules.kinds import RecordKind

from .bulk_import import ImportAdminMixin
from .order45 import Order45Filter, order45_clock_display
from .record_forms import (
    KIND_PARAM,
    MAIN_FIELDS,
    PREVIEW_BUTTON,
    CreditRecordForm,
    detail_fields,
    kind_from,
    kind_groups,
    preview_rows,
    publicity_fields,
    requested_kind,
)
from .subjects import SubjectChoiceField, SubjectPickWidget

# A search term as common as 有限公司 matches millions of subjects: the record list
# searches the records of the first this many (narrow the term to see others).
SEARCH_MATCH_LIMIT = 2_000


# --- Credit records ----------------------------------------------------------------------


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
    # Picked by code, name or pinyin (SubjectAdmin's search), never by id.
    autocomplete_fields = ("subject",)
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
        """A code → that subject's records; otherwise the exact document number or the
        subjects the term names as the subject search finds them (names, former names,
        pinyin: ``enterprises.queries.subject_ids_matching``).

        The two sides are looked up first and combined by id: ``document_number = …
        OR subject.name LIKE …`` across the join would scan every record."""
        term = search_term.strip()
        if not term:
            return queryset, False
        limit = SEARCH_MATCH_LIMIT
        subject_ids = subject_ids_matching(term, base=Subject.objects.all(), limit=limit) or []
        record_ids = list(
            queryset.filter(document_number=term).order_by().values_list("pk", flat=True)[:limit]
        )
        return queryset.filter(Q(pk__in=record_ids) | Q(subject_id__in=subject_ids)), False

    # --- the form ---------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        """The fields every record has and the chosen kind's own (rules.md §3.3)."""
        writable = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        kind = requested_kind(request, obj)
        publicity = publicity_fields(kind, obj)
        if obj is not None:
            publicity += ["state", "state_changed_at"]
            if kind == RecordKind.PENALTY:
                publicity.append("order45_clock")
        details = detail_fields(kind, obj)
        return [
            (None, {"fields": list(MAIN_FIELDS)}),
            (_("Publicity"), {"fields": publicity}),
            *([(_("Details of the kind"), {"fields": details})] if details else []),
            *([(_("Audit trail"), {"fields": ["reason"]})] if writable else []),
            *([(_("Record keeping"), {"fields": ["created_at", "updated_at"]})] if obj else []),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A record belongs to the department that identified it, for good.
            fields = (*fields, "department")
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        attributes = {
            "actor": request_actor(request),
            "previewing": request.method == "POST" and PREVIEW_BUTTON in request.POST,
            # As stored, before the form writes the submitted values onto ``obj``.
            "original": copy.copy(obj) if obj is not None else None,
        }
        return type(form.__name__, (form,), attributes)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "subject":
            kwargs["widget"] = SubjectPickWidget(db_field, self.admin_site)
            kwargs["form_class"] = SubjectChoiceField
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

    # --- choose the kind first; preview before saving --------------------------------------

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None):
        # A submitted form says its kind itself (a missing or unknown one is a field error).
        if request.method != "POST" and not kind_from(request.GET.get(KIND_PARAM)):
            return self.kind_choice_view(request)
        return super().add_view(request, form_url, extra_context)

    def kind_choice_view(self, request: HttpRequest) -> HttpResponse:
        """The first step of entering a record: which kind (each has a form of its own)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        kept = request.GET.copy()
        kept.pop(KIND_PARAM, None)
        extra = f"&{kept.urlencode()}" if kept else ""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add credit record: choose its kind"),
            "opts": self.opts,
            "groups": kind_groups(extra),
            "unknown_kind": request.GET.get(KIND_PARAM, ""),
            "is_popup": "_popup" in request.GET,
        }
        return TemplateResponse(request, "admin/enterprises/creditrecord/choose_kind.html", context)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ):
        form = context["adminform"].form
        preview = getattr(form, "preview", None)
        if preview is None and obj is not None and not form.is_bound:
            # A stored record as it stands: what it has now.
            try:
                preview = publicity_preview(obj, original=obj)
            except DomainError:
                preview = None
        context["preview_rows"] = preview_rows(preview) if preview is not None else None
        context["preview_button"] = PREVIEW_BUTTON
        context["kind_label"] = (
            RecordKind(kind).label if (kind := requested_kind(request, obj)) else ""
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

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
