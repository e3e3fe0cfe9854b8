"""Forms of the public site: they parse query strings for the pages and the public API,
so both accept the same parameters and refuse bad ones with the same messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import (
    CommitmentType,
    CreditCommitment,
    Department,
    Grade,
    Industry,
    Region,
    Subject,
)

LIST_CHOICES = [("red", _("On a red list")), ("black", _("On a black list"))]
MAX_QUERY_LENGTH = 100


def _english() -> bool:
    return (get_language() or "").startswith("en")


class QuickSelect(forms.Select):
    """``<select>`` written in Python, the same HTML as Django's
    ``django/forms/widgets/select.html``, which renders a template per ``<option>``: the
    search form's five selects took 4.8 ms of every search page (measured on the province
    benchmark), about a tenth of the 50 ms the page may take."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options: list[str] = []
        for group, choices, _index in widget["optgroups"]:
            rendered = [
                format_html(
                    '<option value="{}"{}>{}</option>',
                    "" if option["value"] is None else str(option["value"]),
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in choices
            ]
            if group:
                options.append(
                    format_html('<optgroup label="{}">{}</optgroup>', group, _joined(rendered))
                )
            else:
                options.extend(rendered)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            _joined(options),
        )


def _joined(parts: Sequence[str]) -> SafeString:
    return mark_safe("\n".join(parts))  # noqa: S308 - every part went through format_html


class SearchForm(forms.Form):
    """GET parameters of /search/ and GET /api/v1/enterprises/."""

    q = forms.CharField(
        label=_("Name, part of a name, unified social credit code or pinyin"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        strip=True,
    )
    region = forms.ChoiceField(label=_("Region"), required=False, widget=QuickSelect)
    grade = forms.ChoiceField(
        label=_("Credit grade"),
        required=False,
        choices=[("", _("Any")), *Grade.choices],
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("Registration status"),
        required=False,
        choices=[("", _("Any")), *Subject.RegistrationStatus.choices],
        widget=QuickSelect,
    )
    list = forms.ChoiceField(
        label=_("List membership"),
        required=False,
        choices=[("", _("Any")), *LIST_CHOICES],
        widget=QuickSelect,
    )
    industry = forms.ChoiceField(label=_("Industry"), required=False, widget=QuickSelect)
    # No max_value: clean_page says where pages stop, and why.
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = _english()
        regions = list(Region.objects.order_by("code").values_list("code", "name_zh", "name_en"))
        region_field: Any = self.fields["region"]
        region_field.choices = [
            ("", _("Anywhere")),
            *(
                # Counties are indented under their city; a city covers its counties.
                (code, ("" if code.endswith("00") else "— ") + (en if english else zh))
                for code, zh, en in regions
            ),
        ]
        industries = Industry.objects.order_by("code").values_list("code", "name_zh", "name_en")
        industry_field: Any = self.fields["industry"]
        industry_field.choices = [
            ("", _("Any")),
            *((code, f"{code} {en if english else zh}") for code, zh, en in industries),
        ]

    def clean_page(self) -> int | None:
        """Results are counted up to 10,000 and pages stop there (queries.COUNT_CAP)."""
        from .queries import COUNT_CAP, search_page_limit

        page: int | None = self.cleaned_data.get("page")
        limit = search_page_limit()
        if page is not None and page > limit:
            raise forms.ValidationError(
                _(
                    "Results stop at the first %(cap)s matches (page %(limit)s): add more "
                    "of the name or a filter to narrow the search."
                ),
                code="beyond_cap",
                params={"cap": f"{COUNT_CAP:,}", "limit": f"{limit:,}"},
            )
        return page

    def has_criteria(self) -> bool:
        data = self.cleaned_data
        return any(
            data.get(name) for name in ("q", "region", "grade", "status", "list", "industry")
        )

    def search(self) -> Any:
        """Run the search these (valid) parameters ask for: one query for page and API."""
        from .queries import subject_search

        data = self.cleaned_data
        return subject_search(
            q=data["q"],
            region=data["region"],
            grade=data["grade"],
            status=data["status"],
            list_color=data["list"],
            industry=data["industry"],
            page=data["page"],
        )


class CommitmentFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("Accepting unit"), required=False)
    type = forms.ChoiceField(
        label=_("Commitment type"),
        required=False,
        choices=[("", _("Any")), *CommitmentType.choices],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=10_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = _english()
        # Units that accepted a published commitment: a unit whose commitments are all
        # partly public or government-only is not named (rules.md §3.5).
        units = Department.objects.filter(
            pk__in=CreditCommitment.objects.public().values("accepting_unit_id")
        ).order_by("code")
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [
            ("", _("Any")),
            *((d.code, d.name_en if english else d.name_zh) for d in units),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data
