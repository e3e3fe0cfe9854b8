"""Public pages: home, search, credit file, credit report, commitments, policies and
the guidance pages. Views parse input and render; reads live in ``queries``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import queries
from enterprises.forms import CommitmentFilterForm, SearchForm
from enterprises.models import PolicyLevel, ReportIssue
from enterprises.uscc import USCCError, normalize_uscc, validate_uscc
from news.queries import latest_articles

from . import home as home_page
from . import queries as site
from .report import normalize_code, report_issue

COMMITMENTS_PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "enterprises/home.html",
        {
            "figures": queries.home_figures(),
            "list_figures": site.list_figures(),
            "red_publications": home_page.list_publications("red"),
            "black_publications": home_page.list_publications("black"),
            "news": latest_articles(),
            "departments": queries.departments(),
            "form": SearchForm(),
        },
    )


def _problem(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "enterprises/problem.html",
        {"title": title, "message": message},
        status=status,
    )


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = form.search()
        if result.exact is not None:
            return redirect("enterprise-file", code=result.exact.uscc)
        site.attach_standings(result.subjects)
    status = 400 if form.is_bound and not form.is_valid() else 200
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "enterprises/search.html",
        {
            "form": form,
            "result": result,
            "query_string": params.urlencode(),
            "filters_active": any(
                request.GET.get(name) for name in ("region", "grade", "status", "list", "industry")
            ),
        },
        status=status,
    )


def _file_or_problem(request: HttpRequest, code: str, *, view: str = site.VIEW_CHINA) -> Any:
    try:
        normalized = validate_uscc(code)
    except USCCError as error:
        return _problem(
            request,
            status=400,
            title=_("This is not a valid unified social credit code"),
            message=error.messages[0],
        )
    file = site.credit_file(normalized, view=view)
    if file is None:
        return _problem(
            request,
            status=404,
            title=_("No credit file for this code"),
            message=_(
                "No organisation with the unified social credit code %(code)s is registered "
                "here. Check the code, or search by name."
            )
            % {"code": normalized},
        )
    return file


def _evaluation_template() -> str | None:
    # The evaluation partial is the evaluation issue's; until it exists the file says
    # "not yet evaluated" itself.
    try:
        return select_template(["enterprises/_evaluation.html"]).template.name
    except Exception:
        return None


def enterprise_file(request: HttpRequest, code: str) -> HttpResponse:
    if normalize_uscc(code) != code:
        # One address per file: lower case, spaces or hyphens go to the canonical one.
        canonical = normalize_uscc(code)
        if canonical and all(c.isalnum() for c in canonical):
            return redirect("enterprise-file", code=canonical)
    view = request.GET.get("view", "")
    tab = request.GET.get("tab", "")
    if view not in site.VIEWS:
        # Credit Zhejiang's groups keep their short addresses (?tab=negative).
        view = site.VIEW_ZHEJIANG if tab in ("basic", "negative", "trust") else site.VIEW_CHINA
    file = _file_or_problem(request, code, view=view)
    if isinstance(file, HttpResponse):
        return file
    if tab not in {t.key for t in file.tabs}:
        tab = next((t.key for t in file.tabs if t.count or t.has_items), file.tabs[0].key)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    shown, records_page = site.file_records_page(file.tab(tab), page=page)
    context: dict[str, Any] = {
        "file": file,
        "subject": file.subject,
        "active_tab": file.tab(tab),
        "records": shown,
        "page": records_page,
        "query_string": file.tab(tab).query,
        "standing": file.standing,
        "evaluation": file.evaluation,
        "evaluation_template": _evaluation_template(),
        "today": timezone.localdate(file.generated_at),
    }
    if context["evaluation_template"] and file.evaluation is not None:
        # The evaluation issue's partial: score, grade, edition, history chart, breakdown.
        context.update(queries.evaluation_context(file.subject, evaluation=file.evaluation))
    return render(request, "enterprises/file.html", context)


def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    file = _file_or_problem(request, code)
    if isinstance(file, HttpResponse):
        return file
    issue, pdf = report_issue(
        file=file,
        verify_url=lambda c: request.build_absolute_uri(reverse("report-verify", args=[c])),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credit-report-{issue.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def report_verify(request: HttpRequest, code: str) -> HttpResponse:
    issue = ReportIssue.objects.select_related("subject").filter(code=normalize_code(code)).first()
    if issue is None:
        return _problem(
            request,
            status=404,
            title=_("Report not confirmed"),
            message=_(
                "No credit report was issued with the verification code “%(code)s”. The code "
                "may have been mistyped or altered: this report cannot be confirmed as genuine."
            )
            % {"code": code[:40]},
        )
    return render(request, "enterprises/verify.html", {"issue": issue})


def commitments(request: HttpRequest) -> HttpResponse:
    form = CommitmentFilterForm(request.GET or None)
    rows: list[Any] = []
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        rows, page = queries.paginate(
            queries.public_commitments(
                unit=data.get("unit") or "",
                commitment_type=data.get("type") or "",
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            ),
            page=data.get("page"),
            size=COMMITMENTS_PAGE_SIZE,
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "enterprises/commitments.html",
        {"form": form, "commitments": rows, "page": page, "query_string": params.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def policies(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    if level not in PolicyLevel.values:
        level = ""
    return render(
        request,
        "enterprises/policies.html",
        {
            "policies": queries.published_policies(level=level),
            "levels": PolicyLevel.choices,
            "level": level,
        },
    )
