"""Forms of the public objection and repair pages, the tracking page and the workbench.

The API binds the same forms, so the validation is the same everywhere; the rules
themselves live in ``repair.services`` and ``repair.eligibility``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enterprises.models import CreditRecord
from enterprises.uscc import normalize_uscc
from lists.models import ListEntry
from lists.queries import public_entries_of

from . import services
from .models import Attachment, Decision, GreenChannel, Grounds
from .queries import public_negative_records


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the named fields (others on the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _subject_for(data: Any, initial: Any) -> Any:
    from enterprises.models import Subject

    raw = (data.get("uscc") if data is not None else None) or (initial or {}).get("uscc") or ""
    code = normalize_uscc(str(raw)) if raw else ""
    return Subject.objects.filter(uscc=code).first() if code else None


class _FileChecked(forms.Form):
    file_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.file_fields:
            upload = cleaned.get(name)
            if upload:
                try:
                    services.upload_check(upload, field=name)
                except ValidationError as error:
                    apply_errors(self, error)
        return cleaned

    def files_for_service(self) -> list[tuple[str, Any]]:
        purposes = {
            "opinion": Attachment.Purpose.OPINION,
            "commitment": Attachment.Purpose.COMMITMENT,
            "training": Attachment.Purpose.TRAINING,
            "evidence": Attachment.Purpose.EVIDENCE,
        }
        return [
            (purposes[name], self.cleaned_data[name])
            for name in self.file_fields
            if self.cleaned_data.get(name)
        ]


class _Applicant(_FileChecked):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    legal_representative = forms.CharField(
        label=_("Legal representative (as on the credit file)"), max_length=100
    )
    records = forms.ModelMultipleChoiceField(
        label=_("Records concerned"),
        queryset=CreditRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    list_entries = forms.ModelMultipleChoiceField(
        label=_("List entries concerned"),
        queryset=ListEntry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact email"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject = _subject_for(self.data if self.is_bound else None, self.initial)
        if self.subject is not None:
            # Only what the public sees may be offered or chosen: a non-public id is
            # refused like an id that does not exist (rules.md §3.5, §3.7).
            self.fields["records"].queryset = public_negative_records(  # type: ignore[attr-defined]
                self.subject
            )
            self.fields["list_entries"].queryset = public_entries_of(  # type: ignore[attr-defined]
                [self.subject.pk]
            )
        self.fields["records"].label_from_instance = lambda r: (  # type: ignore[attr-defined]
            f"{r.decision_date:%Y-%m-%d} {r.title} ({r.document_number})"
        )
        self.fields["list_entries"].label_from_instance = lambda e: (  # type: ignore[attr-defined]
            f"{e.credit_list.name_zh} {e.listed_on or ''} ({e.document_number})"
            if e.document_number
            else f"{e.credit_list.name_zh} {e.listed_on or ''}"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("uscc") and "legal_representative" in cleaned:
            try:
                self.subject = services.applicant_subject(
                    uscc=cleaned["uscc"], legal_representative=cleaned["legal_representative"]
                )
            except ValidationError as error:
                apply_errors(self, error)
        return cleaned


class RepairApplicationForm(_Applicant):
    file_fields = ("opinion", "commitment", "training", "evidence")

    explanation = forms.CharField(
        label=_("How the conduct was corrected"), widget=forms.Textarea, required=False
    )
    opinion = forms.FileField(
        label=_(
            "Opinion of the identifying unit that the obligations are fulfilled (PDF, JPEG, PNG)"
        )
    )
    commitment = forms.FileField(
        label=_("Letter of Commitment to Credit Repair signed by the legal representative")
    )
    training_certificate_number = forms.CharField(
        label=_("Training certificate number (serious cases)"), max_length=60, required=False
    )
    training = forms.FileField(label=_("Training certificate (scan)"), required=False)
    evidence = forms.FileField(label=_("Other evidence"), required=False)
    green_channel = forms.ChoiceField(
        label=_("Green channel"),
        choices=[("", _("No")), *list(GreenChannel.choices)],
        required=False,
    )
    green_channel_reason = forms.CharField(
        label=_("Why the green channel applies"), widget=forms.Textarea, required=False
    )

    def submit(self, **access: Any) -> tuple[Any, str]:
        """``access``: what the verified access adds (``services.filing_extra``)."""
        data = self.cleaned_data
        return services.repair_application_submit(
            subject=self.subject,
            records=list(data["records"]),
            list_entries=list(data["list_entries"]),
            explanation=data.get("explanation", ""),
            training_certificate_number=data.get("training_certificate_number", ""),
            green_channel=data.get("green_channel", ""),
            green_channel_reason=data.get("green_channel_reason", ""),
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data.get("contact_phone", ""),
            files=self.files_for_service(),
            **access,
        )


class ObjectionForm(_Applicant):
    """An objection by the subject (USCC + legal representative), or by anyone against
    a repair in its publication period (give its reference instead)."""

    file_fields = ("evidence",)

    repair_reference = forms.CharField(
        label=_("Reference of a published repair you object to"), max_length=20, required=False
    )
    access_code = forms.CharField(
        label=_("Access code of your application (objection to a refused repair)"),
        max_length=20,
        required=False,
    )
    grounds = forms.ChoiceField(label=_("Grounds"), choices=Grounds.choices)
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea)
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and (self.data.get("repair_reference") or "").strip():
            self.fields["uscc"].required = False
            self.fields["legal_representative"].required = False

    def clean(self) -> dict[str, Any]:
        from .models import Case, CaseKind

        reference = (self.data.get("repair_reference") or "").strip().upper()
        self.objected_case = None
        if reference:
            cleaned = _FileChecked.clean(self)
            self.objected_case = Case.objects.filter(
                kind=CaseKind.REPAIR, reference=reference
            ).first()
            if self.objected_case is None:
                self.add_error("repair_reference", _("No repair has this reference."))
            return cleaned
        return super().clean()

    def submit(self, **access: Any) -> tuple[Any, str]:
        """``access``: what the verified access adds (``services.filing_extra``)."""
        data = self.cleaned_data
        return services.objection_submit(
            subject=self.objected_case.subject if self.objected_case else self.subject,
            records=list(data.get("records") or []),
            list_entries=list(data.get("list_entries") or []),
            grounds=data["grounds"],
            explanation=data["explanation"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data.get("contact_phone", ""),
            files=self.files_for_service(),
            objected_case=self.objected_case,
            access_code=data.get("access_code") or self.data.get("access_code") or "",
            **access,
        )


class LookupForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)


class AccessForm(forms.Form):
    access_code = forms.CharField(label=_("Access code"), max_length=20)


class ResubmitForm(_FileChecked):
    file_fields = ("opinion", "commitment", "training", "evidence")

    note = forms.CharField(label=_("What you complete"), widget=forms.Textarea)
    opinion = forms.FileField(label=_("Opinion of the identifying unit"), required=False)
    commitment = forms.FileField(label=_("Letter of Commitment to Credit Repair"), required=False)
    training = forms.FileField(label=_("Training certificate (scan)"), required=False)
    evidence = forms.FileField(label=_("Other evidence"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=15)
    reason = forms.CharField(label=_("Reason for the extension"), widget=forms.Textarea)


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea)
    title = forms.CharField(label=_("Corrected title"), max_length=300, required=False)
    content = forms.CharField(label=_("Corrected content"), widget=forms.Textarea, required=False)

    def correction(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in ("title", "content")
            if self.cleaned_data.get(name)
        }
