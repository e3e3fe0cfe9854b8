"""Credit subjects in the admin (identity numbers in full for administrators only),
and their reference data: regions and industries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.admin.base import (
    CappedCountPaginator,
    GuardedModelAdmin,
    NoDeleteMixin,
    is_administrator,
    register_secret_fields,
    request_actor,
)
from core.exceptions import DomainError
from enterprises import imports, services
from enterprises.models import FormerName, Subject
from enterprises.queries import subject_ids_matching
from enterprises.uscc import normalize_uscc

from .bulk_import import ImportAdminMixin

# Masked for everyone but administrators, so never a URL filter of anyone else (rules.md §11.1).
register_secret_fields(Subject, "id_number")

# A search term as common as 有限公司 matches millions of subjects: the subject list shows
# the first this many matches (narrow the term to see others).
SUBJECT_MATCH_LIMIT = 2_000
# The picker of a record's subject offers the first this many (five pages of 20).
PICK_MATCH_LIMIT = 100

# --- Credit subjects --------------------------------------------------------------------


def subject_pick_label(subject: Subject) -> str:
    """How a subject is offered where an official picks one: name, code, registration
    status and region, never its id (a natural person: name only, rules.md §11.1)."""
    parts = [subject.name]
    if subject.uscc:
        parts.append(subject.uscc)
    if not subject.is_natural_person:
        parts.append(str(subject.get_registration_status_display()))
    region = subject.region
    if region is not None:
        english = (get_language() or "").startswith("en")
        parts.append(region.name_en if english and region.name_en else region.name_zh)
    return " · ".join(parts)


class SubjectPickView(AutocompleteJsonView):
    """The answers of a record form's subject picker: Django's autocomplete (the same
    permission checks: the field must be an ``autocomplete_fields`` of its admin, the
    official must be allowed to view subjects), labelled by ``subject_pick_label``."""

    def process_request(self, request: HttpRequest) -> Any:
        found = super().process_request(request)  # type: ignore[misc]
        if found[1].model is not Subject:
            # Subjects only: another model's choices are not this view's to answer.
            raise PermissionDenied
        return found

    def get_queryset(self) -> QuerySet[Subject]:
        if not self.term.strip():
            # Nothing typed yet: nothing offered (the first subjects by id help no one).
            return Subject.objects.none()
        return super().get_queryset().select_related("region")

    def serialize_result(self, obj: Subject, to_field_name: str) -> dict[str, str]:
        return {"id": str(getattr(obj, to_field_name)), "text": subject_pick_label(obj)}


class SubjectChoiceField(forms.ModelChoiceField):
    """A picked subject shows as it is offered (``subject_pick_label``)."""

    def label_from_instance(self, obj: Any) -> str:
        return subject_pick_label(obj)


class SubjectPickWidget(AutocompleteSelect):
    """``AutocompleteSelect`` asking ``SubjectPickView`` instead of the site's view."""

    def get_url(self) -> str:
        return reverse(f"{self.admin_site.name}:enterprises_subject_pick")


class SubjectForm(forms.ModelForm):
    actor: Actor  # set per request by SubjectAdmin.get_form

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
            *services.SUBJECT_FORM_FIELDS,
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}  # a ModelForm's clean() returns its cleaned_data
        if self.instance.pk is not None:
            # The service's rule, said on the form instead of as an error page (rules.md §2.1).
            changed = [name for name in self.changed_data if name != "uscc"]
            try:
                services.subject_registration_check(self.actor, self.instance, changed)
            except DomainError as error:
                self.add_error(None, str(error.message))
        return cleaned

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


# The "Registration" fieldset: the writable fields after type and name (which head the
# form, with the code), without natural persons' data (a fieldset of its own).
_REGISTRATION_FIELDS = tuple(
    name
    for name in services.SUBJECT_FORM_FIELDS
    if name not in ("subject_type", "name", *services.SUBJECT_PERSONAL_FIELDS)
)


class SubjectAdmin(ImportAdminMixin, NoDeleteMixin, GuardedModelAdmin):
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
    search_help_text = _(
        "A unified social credit code, or at least two characters of a current or former "
        "name or of its pinyin (e.g. hzxh or hangzhouxihu)."
    )
    show_full_result_count = False
    paginator = CappedCountPaginator
    raw_id_fields = ("region",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Subject], search_term: str
    ) -> tuple[QuerySet[Subject], bool]:
        """As the public search finds subjects (``enterprises.queries.subject_ids_matching``:
        the code, the names and their pinyin, by index), over this official's subjects.
        The first matches only: a common term is narrowed, never scanned for all."""
        term = search_term.strip()
        if not term:
            return queryset, False
        limit = PICK_MATCH_LIMIT if _is_pick(request) else SUBJECT_MATCH_LIMIT
        ids = subject_ids_matching(term, base=queryset, limit=limit)
        return queryset.filter(pk__in=ids or []), False

    def get_urls(self):
        return [
            path(
                "pick/",
                self.admin_site.admin_view(SubjectPickView.as_view(admin_site=self.admin_site)),
                name="enterprises_subject_pick",
            ),
            *super().get_urls(),
        ]

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
            (_("Registration"), {"fields": list(_REGISTRATION_FIELDS)}),
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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request_actor(request)})

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


def _is_pick(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "enterprises_subject_pick"


# --- Reference data ----------------------------------------------------------------------


class RegionAdmin(NoDeleteMixin, GuardedModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("code", "name_zh", "name_en")
    raw_id_fields = ("parent",)


class IndustryAdmin(NoDeleteMixin, GuardedModelAdmin):
    list_display = ("code", "name_zh", "name_en")
    search_fields = ("code", "name_zh", "name_en")
