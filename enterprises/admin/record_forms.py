"""The credit-record form of the admin: one form per record kind (rules.md §3.3).

The kind is chosen first (``?kind=penalty`` on the add page; a stored record's own kind);
the form then holds the fields every record has and that kind's own
(``rules.kinds.kind_details``), never another kind's. A "Preview" button validates
the form and shows what the record will get (end of publicity, state, rule editions,
earliest repair: ``enterprises.publicity.publicity_preview``, the computation the
services make) without saving; it needs no JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.exceptions import DepartmentNotAllowed, DomainError
from enterprises import services
from enterprises.models import CreditRecord, RecordState
from enterprises.publicity import PublicityPreview, publicity_preview
from rules.kinds import (
    DETAIL_FIELDS,
    KINDS,
    NEGATIVE_KINDS,
    Category,
    RecordKind,
    kind_details,
)

KIND_PARAM = "kind"
PREVIEW_BUTTON = "_preview"

# The fields every record has, in form order (the kind-specific ones follow them).
MAIN_FIELDS = (
    "subject",
    "department",
    "kind",
    "title",
    "decision_date",
    "document_number",
    "legal_basis",
    "content",
)

# Help on the form for one kind, where the model's own help says too little.
_KIND_HELP: dict[str, dict[str, Any]] = {
    RecordKind.PENALTY: {
        "decision_date": _("The date of the penalty decision (行政处罚决定日期)."),
        "document_number": _("The number of the penalty decision, e.g. 杭市监罚〔2026〕12号."),
        "fine_amount": _("Required when the penalty type is a fine."),
    },
    RecordKind.LICENCE: {
        "decision_date": _("The date the licence was granted."),
        "valid_until": _("Empty: valid without end."),
    },
    RecordKind.QUALIFICATION: {
        "decision_date": _("The date the qualification was granted or confirmed."),
        "valid_until": _("Empty: valid without end."),
    },
    RecordKind.TAX_CREDIT_RATING: {
        "decision_date": _("The date the rating was made."),
        "tax_year": _("The tax year the rating is for, e.g. 2025."),
    },
}
_NEGATIVE_END_HELP = _(
    "Leave empty: the end is computed from the rule edition in force on the decision date "
    "(press Preview to see it). A date given here is kept and no edition is claimed."
)
_OTHER_END_HELP = _("Empty: shown without end.")


def kind_from(value: Any) -> str | None:
    return value if isinstance(value, str) and value in KINDS else None


def requested_kind(request: HttpRequest, obj: CreditRecord | None) -> str | None:
    """The kind whose form is shown: the one submitted (a changed kind shows its own
    fields), else the one asked for in the URL, else the record's own."""
    if request.method == "POST" and (kind := kind_from(request.POST.get(KIND_PARAM))):
        return kind
    if kind := kind_from(request.GET.get(KIND_PARAM)):
        return kind
    return obj.kind if obj is not None else None


def _has_value(obj: CreditRecord | None, name: str) -> bool:
    value = getattr(obj, name, None) if obj is not None else None
    return value not in (None, "", False)


def detail_fields(kind: str | None, obj: CreditRecord | None = None) -> list[str]:
    """The kind's own fields, plus any other kind's field the stored record holds a value
    in (shown so that nothing is kept out of sight; emptying it is the official's call)."""
    own = list(kind_details(kind or ""))
    return own + [name for name in DETAIL_FIELDS if name not in own and _has_value(obj, name)]


def publicity_fields(kind: str | None, obj: CreditRecord | None = None) -> list[str]:
    negative = kind is None or kind in NEGATIVE_KINDS or _has_value(obj, "severity")
    return ["disclosure", *(["severity"] if negative else []), "publicity_end"]


def kind_groups(extra_query: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """The kinds to choose from on the first step, by category: (label, [(url, label)])."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for category, category_label in Category.choices:
        kinds = [
            (f"?{KIND_PARAM}={kind}{extra_query}", str(label))
            for kind, label in RecordKind.choices
            if KINDS[kind].category == category
        ]
        if kinds:
            groups.append((str(category_label), kinds))
    return groups


class CreditRecordForm(forms.ModelForm):
    """Validates with the model's own rules (field-keyed errors) plus the two checks the
    services make that a form cannot see, so the admin shows field errors, not a 500.
    Computes what the record will get (``preview``) once it is valid."""

    actor: Actor  # set per request by CreditRecordAdmin.get_form
    previewing = False  # the Preview button: validate and show, never save
    original: CreditRecord | None = None  # the stored record a change corrects

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
        self.preview: PublicityPreview | None = None
        # A change needs its reason when saved; a preview saves nothing.
        self.fields["reason"].required = self.instance.pk is not None and not self.previewing
        kind = kind_from(self.data.get(KIND_PARAM)) if self.is_bound else None
        kind = kind or kind_from(self.initial.get(KIND_PARAM)) or self.instance.kind
        if "subject" in self.fields:
            self.fields["subject"].help_text = _(
                "Type part of the name or of its pinyin, or the unified social credit code."
            )
        if "kind" in self.fields:
            self.fields["kind"].help_text = _(
                "Changed the kind? Press Preview to show the fields of the new kind."
            )
        if "publicity_end" in self.fields:
            negative = kind in NEGATIVE_KINDS
            self.fields["publicity_end"].help_text = (
                _NEGATIVE_END_HELP if negative else _OTHER_END_HELP
            )
        for name, text in _KIND_HELP.get(kind or "", {}).items():
            if name in self.fields:
                self.fields[name].help_text = text

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

    def _post_clean(self) -> None:  # type: ignore[misc]  # ModelForm's hook, not in the stubs
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            self.preview = publicity_preview(self.instance, original=self.original)
        except DomainError as error:
            # Where the services would refuse (e.g. no edition has a period for it).
            self.add_error(error.field if error.field in self.fields else None, error.message)

    def add_error(self, field: str | None, error: Any) -> None:
        """A model rule on a field this kind's form does not show is said on the form as a
        whole, naming the field (Django would raise instead)."""
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                if name != NON_FIELD_ERRORS and name not in self.fields:
                    label = getattr(CreditRecord._meta.get_field(name), "verbose_name", name)
                    for message in ValidationError(errors).messages:
                        super().add_error(None, f"{label}: {message}")
                else:
                    super().add_error(name, errors)
            return
        super().add_error(field, error)

    def is_valid(self) -> bool:
        """False while previewing: the admin then shows the form again, with the preview."""
        return super().is_valid() and not self.previewing


def preview_rows(preview: PublicityPreview) -> list[tuple[str, str]]:
    """The preview as label/value rows for the form's "What this record will get" box."""
    english = (get_language() or "").startswith("en")  # the edition's name in the page's

    def edition_name(edition: Any) -> str:
        name = edition.name_en if english and edition.name_en else edition.name_zh
        return f"{name} ({edition.document or edition.code})"

    if preview.source == "none":
        end_text = (
            preview.end.isoformat()
            if preview.end
            else gettext("without end (not negative information: no publicity period)")
        )
    elif preview.end is None:
        end_text = gettext("permanent (without end)")
        if preview.permanent_reason:
            end_text = f"{end_text}: {preview.permanent_reason}"
    elif preview.state == RecordState.UNPUBLISHED:
        end_text = gettext("not published")
    else:
        end_text = preview.end.isoformat()
    state = pgettext("publicity", "published") if preview.published else gettext("not published")
    if preview.reasons:
        state = f"{state}: {' '.join(preview.reasons)}"
    if preview.edition is not None:
        edition = edition_name(preview.edition)
    elif preview.source == "given":
        edition = gettext("none: the end of publicity is given by the department")
    else:
        edition = "—"
    rows = [
        (gettext("Public until"), end_text),
        (gettext("State"), state),
        (gettext("Rule edition"), edition),
    ]
    if preview.local_edition is not None:
        rows.append((gettext("Department's own edition"), edition_name(preview.local_edition)))
    if preview.source != "none":
        rows.append(
            (
                gettext("Repairable from"),
                preview.repair_from.isoformat()
                if preview.repair_from
                else gettext("never (no credit repair of this information)"),
            )
        )
    return rows
