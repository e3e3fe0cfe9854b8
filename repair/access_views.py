"""Verified access, case look-up and the case page (docs/rules.md §8.8).

An enterprise verifies with a one-time code sent to its registered contact e-mail, a
stakeholder with a code sent to its own e-mail; the signed token is kept in the session.
A case is read with its reference and access code, or by the verified enterprise (all its
cases). Views parse input, call ``repair.services`` and ``repair.timeline``, render.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.http import client_ip

from . import services
from .access_forms import (
    CodeForm,
    LookupCaseForm,
    RefusalObjectionForm,
    VerifyEmailForm,
    VerifyEnterpriseForm,
)
from .forms import AccessForm, ResubmitForm, apply_errors
from .models import Case, CaseState
from .timeline import case_timeline, decision_letter

# Session keys: the signed verified-access token, the challenge waiting for its code, and
# the access codes of cases opened in this session (reference → code).
SESSION_VERIFIED = "repair_verified"
SESSION_CHALLENGE = "repair_challenge"
SESSION_CODES = "repair_access"


def page_access(request: HttpRequest) -> services.VerifiedAccess | None:
    return services.access_from_token(request.session.get(SESSION_VERIFIED))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("repair-lookup")


def verify_needed(
    request: HttpRequest, refusal: services.AccessRefused, *, status: int
) -> HttpResponse:
    """What an unverified (or wrongly verified) visitor gets instead of a filing page:
    why, and the way to verify."""
    return render(
        request,
        "repair/verify_needed.html",
        {
            "reason": refusal.message,
            "next": request.get_full_path(),
            "uscc": request.GET.get("uscc", ""),
            "access": page_access(request),
        },
        status=status,
    )


def _ask_code(
    request: HttpRequest, form: Any, *, uscc: str = "", email: str = ""
) -> HttpResponse | None:
    try:
        challenge = services.access_code_request(uscc=uscc, email=email, client=client_ip(request))
    except ValidationError as error:
        apply_errors(form, error)
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))
        form.status = error.status_code
    else:
        request.session[SESSION_CHALLENGE] = challenge.pk
        request.session["repair_challenge_to"] = services.mask_email(challenge.email)
        return redirect(f"{reverse('repair-verify-code')}?next={_next(request)}")
    return None


def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a one-time code: an enterprise by its code (sent to the contact e-mail
    registered for it), a stakeholder by its own e-mail."""
    enterprise = VerifyEnterpriseForm(
        request.POST if "uscc" in request.POST else None,
        initial={"uscc": request.GET.get("uscc", "")},
    )
    stakeholder = VerifyEmailForm(request.POST if "email" in request.POST else None)
    status = 200
    for form, name in ((enterprise, "uscc"), (stakeholder, "email")):
        if form.is_bound:
            if form.is_valid():
                response = _ask_code(request, form, **{name: form.cleaned_data[name]})
                if response is not None:
                    return response
            status = getattr(form, "status", 400)
    return render(
        request,
        "repair/verify.html",
        {
            "enterprise": enterprise,
            "stakeholder": stakeholder,
            "next": _next(request),
            "access": page_access(request),
        },
        status=status,
    )


def verify_code(request: HttpRequest) -> HttpResponse:
    challenge = request.session.get(SESSION_CHALLENGE)
    if challenge is None:
        return redirect("repair-verify")
    form = CodeForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            _access, token = services.access_code_verify(
                challenge_id=challenge, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session.cycle_key()  # a new session id for the verified session
            request.session[SESSION_VERIFIED] = token
            request.session.pop(SESSION_CHALLENGE, None)
            return redirect(_next(request))
    return render(
        request,
        "repair/verify_code.html",
        {
            "form": form,
            "sent_to": request.session.get("repair_challenge_to", ""),
            "minutes": services.CODE_MINUTES,
            "next": _next(request),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def verify_end(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_VERIFIED, None)
    return redirect("repair-lookup")


def lookup(request: HttpRequest) -> HttpResponse:
    """Find a case by its reference and access code; a verified visitor sees the list of
    the cases it may read."""
    access = page_access(request)
    form = LookupCaseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        code = form.cleaned_data["access_code"]
        case = services.case_for_tracking(reference=reference, access_code=code)
        if case is not None:
            _remember(request, case, code)
            return redirect("repair-track", reference=case.reference)
        form.add_error("access_code", _("The reference and access code do not match."))
    cases = list(services.cases_of(access)) if access is not None else []
    return render(
        request,
        "repair/lookup.html",
        {"form": form, "access": access, "cases": cases},
        status=403 if form.is_bound else 200,
    )


def _remember(request: HttpRequest, case: Case, code: str) -> None:
    request.session.setdefault(SESSION_CODES, {})[case.reference] = code
    request.session.modified = True


def _readable_case(request: HttpRequest, reference: str) -> tuple[Case | None, bool]:
    """The case if this session may read it, and whether it speaks for its applicant:
    its access code was entered here, or the visitor is verified for it."""
    reference = reference.strip().upper()
    code = request.session.get(SESSION_CODES, {}).get(reference)
    case = services.case_for_tracking(reference=reference, access_code=code) if code else None
    if case is not None:
        return case, True
    access = page_access(request)
    if access is None or "\x00" in reference:
        return None, False
    found = Case.objects.select_related("subject", "department").filter(reference=reference)
    case = found.first()
    if case is not None and services.case_readable(access, case):
        return case, access.is_enterprise
    return None, False


def track(request: HttpRequest, reference: str) -> HttpResponse:
    """The case page: the firm, the records, each step with its date and deadline, who
    acts next, the rules applied, the decision; completing the material; objecting to a
    refusal."""
    case, applicant = _readable_case(request, reference)
    form = AccessForm(request.POST if "access_code" in request.POST else None)
    if case is None and form.is_bound and form.is_valid():
        code = form.cleaned_data["access_code"]
        case = services.case_for_tracking(reference=reference, access_code=code)
        if case is not None:
            _remember(request, case, code)
            applicant = True
        else:
            form.add_error("access_code", _("The reference and access code do not match."))
    if case is None:
        return render(
            request,
            "repair/lookup.html",
            {"form": form, "access": page_access(request), "cases": [], "reference": reference},
            status=403 if form.is_bound else 200,
        )
    resubmit = None
    if case.state == CaseState.INCOMPLETE and applicant:
        resubmit = ResubmitForm(
            request.POST if "note" in request.POST else None, request.FILES or None
        )
        if resubmit.is_bound and resubmit.is_valid():
            try:
                services.repair_resubmit(
                    case=case,
                    note=resubmit.cleaned_data["note"],
                    files=resubmit.files_for_service(),
                )
            except ValidationError as error:
                apply_errors(resubmit, error)
            else:
                return redirect("repair-track", reference=case.reference)
    return _case_page(
        request,
        case,
        applicant=applicant,
        resubmit=resubmit,
        status=400 if resubmit is not None and resubmit.is_bound else 200,
    )


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    applicant: bool,
    resubmit: Any = None,
    objection: Any = None,
    status: int = 200,
) -> HttpResponse:
    timeline = case_timeline(case)
    if objection is None and applicant and timeline.refusal_objectable:
        objection = RefusalObjectionForm()
    return render(
        request,
        "repair/case.html",
        {
            "case": case,
            "timeline": timeline,
            "events": case.events.all(),
            "resubmit": resubmit,
            "objection": objection,
        },
        status=status,
    )


def decision_download(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision letter as plain text, for whoever may read the case."""
    case, _applicant = _readable_case(request, reference)
    if case is None or not case.decision:
        raise Http404
    response = HttpResponse(
        decision_letter(case_timeline(case)), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-decision.txt"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def refusal_objection(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant objects to its refused repair from the case page (docs/rules.md §7)."""
    case, applicant = _readable_case(request, reference)
    if case is None or not applicant:
        raise Http404
    form = RefusalObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        code = request.session.get(SESSION_CODES, {}).get(case.reference, "")
        try:
            objection, objection_code = services.objection_submit(
                subject=case.subject,
                grounds="refusal_wrong",
                explanation=form.cleaned_data["explanation"],
                contact_name=case.contact_name,
                contact_email=case.contact_email,
                contact_phone=case.contact_phone,
                files=form.files_for_service(),
                objected_case=case,
                access_code=code,
                applicant_verified=not code,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            _remember(request, objection, objection_code)
            return render(
                request,
                "repair/received.html",
                {"case": objection, "access_code": objection_code},
            )
    return _case_page(request, case, applicant=True, objection=form, status=400)
