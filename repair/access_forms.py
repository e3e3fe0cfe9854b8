"""Forms of verified access, case look-up and the objection to a refused repair
(docs/rules.md §8.8), and binding a filing form to the access that files it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import Subject

from .forms import _FileChecked
from .services.access import VerifiedAccess


class VerifyEnterpriseForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)


class VerifyEmailForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("One-time code from the e-mail"), max_length=12)


class LookupCaseForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=20)
    access_code = forms.CharField(label=_("Access code"), max_length=20)


class RefusalObjectionForm(_FileChecked):
    """The applicant objects to a refused repair from its case page (docs/rules.md §7)."""

    file_fields = ("evidence",)

    explanation = forms.CharField(
        label=_("Why the repair should have been granted"), widget=forms.Textarea
    )
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG, PNG)"), required=False)


class CounterStartForm(forms.Form):
    """An official files at the counter: which kind of case (docs/rules.md §8.8)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("repair", _("Credit repair application")), ("objection", _("Credit objection"))],
    )


def bound_data(data: Any, access: VerifiedAccess, subject: Subject | None) -> Any:
    """The submitted fields with the subject fixed to the verified one: a verified
    enterprise files for its own subject whatever the request says, a stakeholder gives
    its verified e-mail as the contact."""
    bound = data.copy()
    if access.is_enterprise and subject is not None:
        bound["uscc"] = subject.uscc
        bound["legal_representative"] = subject.legal_representative
    elif access.scope == "email":
        bound["contact_email"] = access.email
    return bound


def fix_fields(form: forms.Form, access: VerifiedAccess) -> None:
    """Show the verified subject's code and legal representative (and a stakeholder's
    e-mail) as fixed values."""
    names = ("uscc", "legal_representative") if access.is_enterprise else ("contact_email",)
    if access.is_official:
        return
    for name in names:
        if name in form.fields:
            form.fields[name].disabled = True
