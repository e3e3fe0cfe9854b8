"""Public objection and repair pages, case tracking, the officials' workbench and the
public handling statistics. Views parse input, call ``repair.services`` / ``queries``
and render."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actors import Actor
from core.exceptions import DomainError
from enterprises.models import Subject
from enterprises.uscc import normalize_uscc

from . import queries, services
from .access_forms import bound_data, fix_fields
from .access_views import SESSION_CODES, page_access, verify_needed
from .eligibility import NOW, records_eligibility
from .forms import (
    ExtendForm,
    LookupForm,
    ObjectionDecisionForm,
    ObjectionForm,
    ReasonForm,
    RepairApplicationForm,
    apply_errors,
)
from .letter import render_letter
from .models import Attachment, Case, CaseKind

# The case page remembers an access code for this session after one correct entry, so the
# applicant can resubmit without typing it again.
_SESSION_KEY = SESSION_CODES


def repair_guide(request: HttpRequest) -> HttpResponse:
    """Guidance and "may I apply?" for every public negative record of a subject."""
    form = LookupForm(request.GET or None)
    lookup = None
    if form.is_bound and form.is_valid():
        lookup = queries.repair_lookup(form.cleaned_data["uscc"])
        if lookup is None:
            form.add_error("uscc", _("No credit subject has this code."))
    return render(request, "repair/guide.html", {"form": form, "lookup": lookup})


def _submitted(request: HttpRequest, case: Case, code: str) -> HttpResponse:
    request.session.setdefault(_SESSION_KEY, {})[case.reference] = code
    request.session.modified = True
    return render(request, "repair/received.html", {"case": case, "access_code": code})


def _submit_page(
    request: HttpRequest,
    form_class: Any,
    template: str,
    kind: str,
    access: services.VerifiedAccess | None,
) -> HttpResponse:
    """A filing page: only with verified access (docs/rules.md §8.8); the unverified get a
    page that explains and offers verification (403 for a submission)."""
    try:
        if kind == CaseKind.REPAIR or access is None:
            services.filing_check(access, kind=kind, subject=_verified_subject(access))
    except services.AccessRefused as refusal:
        return verify_needed(request, refusal, status=403 if request.method == "POST" else 200)
    assert access is not None
    subject = _verified_subject(access)
    initial = _initial(access, subject, request.GET.get("uscc", ""))
    status = 200
    if request.method == "POST":
        data = bound_data(request.POST, access, subject)
        form = form_class(data, request.FILES, initial=initial)
        fix_fields(form, access)
        if form.is_valid():
            objected = getattr(form, "objected_case", None)
            try:
                services.filing_check(
                    access, kind=kind, subject=form.subject, objected_case=objected
                )
                case, code = form.submit(**services.filing_extra(access, objected))
            except services.AccessRefused as refusal:
                field = refusal.field if refusal.field in form.fields else None
                form.add_error(field, str(refusal.message))
                status = refusal.status_code
            except ValidationError as error:
                apply_errors(form, error)
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                return _submitted(request, case, code)
        status = status if status != 200 else 400
    else:
        form = form_class(initial=initial)
        fix_fields(form, access)
    context = {"form": form, "access": access, "kind": kind}
    return render(request, template, context, status=status)


def _verified_subject(access: services.VerifiedAccess | None) -> Subject | None:
    if access is None or access.subject_id is None:
        return None
    return Subject.objects.filter(pk=access.subject_id).first()


def _initial(access: services.VerifiedAccess, subject: Subject | None, uscc: str) -> dict:
    if subject is not None:
        return {
            "uscc": subject.uscc,
            "legal_representative": subject.legal_representative,
            "contact_email": access.email,
        }
    if access.scope == "email":
        return {"contact_email": access.email}
    return {"uscc": uscc}


def repair_new(request: HttpRequest) -> HttpResponse:
    return _submit_page(
        request,
        RepairApplicationForm,
        "repair/repair_form.html",
        CaseKind.REPAIR,
        page_access(request),
    )


def objection_new(request: HttpRequest) -> HttpResponse:
    return _submit_page(
        request,
        ObjectionForm,
        "repair/objection_form.html",
        CaseKind.OBJECTION,
        page_access(request),
    )


@staff_member_required
def workbench_file(request: HttpRequest, kind: str) -> HttpResponse:
    """The offline window: an official files an objection or a repair application on an
    enterprise's behalf, for a department they handle (docs/rules.md §8.8)."""
    if kind not in (CaseKind.REPAIR, CaseKind.OBJECTION):
        raise Http404
    form_class = RepairApplicationForm if kind == CaseKind.REPAIR else ObjectionForm
    access = services.VerifiedAccess.official(_actor(request))
    return _submit_page(request, form_class, "repair/workbench_file.html", kind, access)


def agencies(request: HttpRequest) -> HttpResponse:
    """The approved credit service agencies and their training courses: public
    information only, never a certificate or its holder (docs/rules.md §8.2)."""
    today = timezone.localdate()
    context = {"agencies": queries.approved_agencies(today), "today": today}
    return render(request, "repair/agencies.html", context)


def commitment_letter(request: HttpRequest, uscc: str) -> HttpResponse:
    """The Letter of Commitment to Credit Repair as a PDF for the verified enterprise's own
    subject (docs/rules.md §8.2, §8.8): ``?records=<id>,<id>`` names public negative records
    of that subject; without it, those repairable now."""
    subject = Subject.objects.filter(uscc=normalize_uscc(uscc)).first()
    if subject is None:
        return _plain(_("No credit subject has this code."), status=404)
    try:
        services.filing_check(page_access(request), kind=CaseKind.REPAIR, subject=subject)
    except services.AccessRefused as refusal:
        return verify_needed(request, refusal, status=403)
    offered = queries.public_negative_records(subject)
    raw = request.GET.get("records", "").strip()
    if raw:
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not parts or not all(part.isdigit() and len(part) <= 12 for part in parts):
            return _plain(_("records: give record numbers separated by commas."), status=400)
        wanted = {int(part) for part in parts}
        records = list(offered.filter(pk__in=wanted))
        missing = wanted - {record.pk for record in records}
        if missing:
            return _plain(
                _("Not public negative information of this subject: record %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in sorted(missing))},
                status=400,
            )
    else:
        candidates = list(offered)
        answers = records_eligibility(candidates)
        records = [r for r in candidates if answers[r.pk].status == NOW]
        if not records:
            return _plain(_("This subject has no public record that may be repaired now."), 400)
    response = HttpResponse(
        render_letter(subject=subject, records=records), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="commitment-{subject.uscc}.pdf"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "repair/statistics.html", {"rows": queries.handling_statistics()})


# --- Officials' workbench -------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)


@staff_member_required
def workbench(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    cases = queries.workbench_cases(actor)
    return render(
        request,
        "repair/workbench.html",
        {"cases": cases, "today": timezone.localdate(), "all_departments": actor.is_unrestricted},
    )


def _case_for(request: HttpRequest, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("subject", "department"), pk=pk)
    if not _actor(request).may_write(case.department_id):
        raise Http404
    return case


@staff_member_required
def workbench_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return render(request, "repair/workbench_case.html", _case_context(case))


def _case_context(case: Case, **forms: Any) -> dict[str, Any]:
    return {
        "case": case,
        "events": case.events.all(),
        "records": case.records.select_related("department"),
        "entries": case.list_entries.select_related("credit_list"),
        "attachments": case.attachments.all(),
        "today": timezone.localdate(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "decision_form": forms.get("decision_form") or ObjectionDecisionForm(),
        "is_repair": case.kind == CaseKind.REPAIR,
    }


@staff_member_required
@require_POST
def workbench_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One click from the case page: each action is one service call."""
    case = _case_for(request, pk)
    actor = _actor(request)
    form: Any = None
    try:
        if action == "accept":
            services.repair_accept(actor=actor, case=case)
        elif action == "carry-out":
            services.repair_carry_out(actor=actor, case=case)
        elif action == "close":
            services.repair_close(actor=actor, case=case)
        elif action in ("incomplete", "grant", "refuse", "false-commitment"):
            form = ReasonForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                if action == "incomplete":
                    services.repair_mark_incomplete(actor=actor, case=case, reason=reason)
                elif action == "false-commitment":
                    services.repair_false_commitment(actor=actor, case=case, reason=reason)
                else:
                    services.repair_decide(
                        actor=actor, case=case, grant=action == "grant", reasons=reason
                    )
        elif action == "extend":
            form = ExtendForm(request.POST)
            if form.is_valid():
                services.objection_extend(
                    actor=actor,
                    case=case,
                    days=form.cleaned_data["days"],
                    reason=form.cleaned_data["reason"],
                )
        elif action == "decide":
            form = ObjectionDecisionForm(request.POST)
            if form.is_valid():
                services.objection_decide(
                    actor=actor,
                    case=case,
                    decision=form.cleaned_data["decision"],
                    reasons=form.cleaned_data["reason"],
                    correction=form.correction(),
                )
        else:
            raise Http404
    except ValidationError as error:
        form = form or ReasonForm(request.POST)
        form.is_valid()
        apply_errors(form, error)
    except DomainError as error:
        form = form or ReasonForm(request.POST)
        form.is_valid()
        form.add_error(None, str(error.message))
    if form is not None and form.errors:
        key = {"extend": "extend_form", "decide": "decision_form"}.get(action, "reason_form")
        case.refresh_from_db()
        return render(
            request, "repair/workbench_case.html", _case_context(case, **{key: form}), status=400
        )
    return redirect("repair-workbench-case", pk=case.pk)


@staff_member_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Uploaded documents are read only by officials of the case (docs/rules.md §11.1),
    always as a download of the type their content shows, under a safe name with that
    type's extension, never rendered by the browser (docs/rules.md §8.7)."""
    case = _case_for(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, case=case)
    download = services.attachment_for_download(attachment)
    if download is None:
        raise Http404
    response = FileResponse(download.path.open("rb"), content_type=download.content_type)
    response["Content-Disposition"] = download.content_disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response
