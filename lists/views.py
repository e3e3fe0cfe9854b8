"""Public pages of the lists: overview, one list, its Atom feed and CSV export, the
batch check page, and an enterprise's feed. Thin: every read goes through
``lists.queries`` (only fully public entries) or ``lists.check``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import csv_writer
from enterprises.models import CreditRecord, RecordRemoval, Subject

from . import changes, check, queries
from .models import CreditList, ListEntry

PAGE_SIZE = 50


class _Echo:
    def write(self, value: str) -> str:
        return value


def lists_index(request: HttpRequest) -> HttpResponse:
    lists = list(queries.lists_overview())
    groups = [
        (_("National red lists"), [x for x in lists if x.scope == "national" and x.color == "red"]),
        (
            _("National black lists"),
            [x for x in lists if x.scope == "national" and x.color == "black"],
        ),
        (
            _("Provincial red lists"),
            [x for x in lists if x.scope == "provincial" and x.color == "red"],
        ),
        (
            _("Provincial black lists"),
            [x for x in lists if x.scope == "provincial" and x.color == "black"],
        ),
    ]
    return render(request, "lists/index.html", {"groups": groups})


class EntryFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or code"), required=False, max_length=100)
    year = forms.IntegerField(
        label=gettext_lazy("Year listed"), required=False, min_value=1990, max_value=2100
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def _list_or_404(slug: str) -> CreditList:
    credit_list = queries.published_list(slug)
    if credit_list is None:
        raise Http404(_("No such list."))
    return credit_list


def list_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from enterprises.queries import paginate

    credit_list = _list_or_404(slug)
    form = EntryFilter(request.GET or None)
    filters: dict[str, Any] = {}
    page_number = 1
    if form.is_bound and form.is_valid():
        filters = {"q": form.cleaned_data["q"] or "", "year": form.cleaned_data["year"]}
        page_number = form.cleaned_data["page"] or 1
    entries, page = paginate(
        queries.list_public_entries(credit_list, **filters), page=page_number, size=PAGE_SIZE
    )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "lists/detail.html",
        {
            "credit_list": credit_list,
            "measures": list(credit_list.measures.all()),
            "entries": entries,
            "page": page,
            "form": form,
            "query_string": query_string.urlencode(),
        },
    )


def list_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Active fully public entries as CSV (UTF-8 with BOM so spreadsheets read Chinese)."""
    credit_list = _list_or_404(slug)
    writer = csv_writer(_Echo())  # every cell escaped against formulas
    header = [
        _("Name"),
        _("Unified social credit code"),
        _("List"),
        _("Reason"),
        _("Document number"),
        _("Listed on"),
        _("Term ends"),
        _("Authority"),
    ]

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for entry in queries.list_public_entries(credit_list).iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.subject.name,
                    entry.subject.uscc,
                    credit_list.name_zh,
                    entry.reason,
                    entry.document_number,
                    entry.listed_on.isoformat() if entry.listed_on else "",
                    entry.term_end.isoformat() if entry.term_end else "",
                    credit_list.authority.name_zh,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"{credit_list.slug}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class _Removal:
    """A feed item saying that something left publicity: what (by id), why and when, never
    its content (rules.md §3.7). Its guid starts like the guid of what it removes."""

    guid: str
    title: str
    description: str
    link: str
    at: dt.datetime


def _entry_removal(entry: ListEntry, *, title: str, link: str) -> _Removal:
    return _Removal(
        guid=f"list-entry-{entry.pk}-removed",
        title=title,
        description=_("Entry %(id)s is no longer published.") % {"id": entry.pk},
        link=link,
        at=entry.updated_at,
    )


def _entry_reason_label(entry: ListEntry) -> str:
    return str(ListEntry.RemovalReason(changes.entry_removal_reason(entry)).label)


def _newest(items: list[Any], limit: int) -> list[Any]:
    items.sort(key=lambda item: item.at if isinstance(item, _Removal) else item.updated_at)
    return items[::-1][:limit]


class ListFeed(Feed):
    """The newest publications of a list and the newest removals from it (Atom)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> CreditList:  # type: ignore[override]
        return _list_or_404(slug)

    def title(self, obj: CreditList) -> str:
        return f"{obj.name_zh} · {obj.name_en}"

    def link(self, obj: CreditList) -> str:
        return reverse("lists:detail", args=[obj.slug])

    def subtitle(self, obj: CreditList) -> str:
        return _("Published by %(authority)s. Legal basis: %(basis)s") % {
            "authority": obj.authority.name_zh,
            "basis": obj.legal_basis,
        }

    def items(self, obj: CreditList) -> list[Any]:
        link = reverse("lists:detail", args=[obj.slug])
        removals = [
            _entry_removal(
                entry,
                title=_("Removed from the list: %(reason)s")
                % {"reason": _entry_reason_label(entry)},
                link=link,
            )
            for entry in changes.entry_removals(credit_list=obj, limit=50)
        ]
        return _newest([*queries.list_public_entries(obj)[:50], *removals], 50)

    def item_title(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.title
        return str(item.subject.name)

    def item_description(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.description
        term = item.term_end.isoformat() if item.term_end else "—"
        return _("%(reason)s (listed %(listed)s, term ends %(term)s)") % {
            "reason": item.reason,
            "listed": item.listed_on.isoformat() if item.listed_on else "",
            "term": term,
        }

    def item_link(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.link
        return reverse("enterprise-file", args=[item.subject.uscc]) + f"#list-entry-{item.pk}"

    def item_guid(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.guid
        return f"list-entry-{item.pk}-{item.listed_on}"

    def item_updateddate(self, item: Any) -> dt.datetime:
        return item.at if isinstance(item, _Removal) else item.updated_at

    def item_pubdate(self, item: Any) -> dt.datetime:
        return item.at if isinstance(item, _Removal) else item.created_at


class EnterpriseFeed(Feed):
    """Changes to an enterprise's public file: its records in publicity, its list entries
    in force, and what left the file (records and entries, without content), newest change
    first."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, code: str) -> Subject:  # type: ignore[override]
        subject = (
            Subject.objects.exclude(subject_type=Subject.SubjectType.NATURAL_PERSON)
            .filter(uscc=code.upper())
            .first()
        )
        if subject is None:
            raise Http404(_("No such enterprise."))
        return subject

    def title(self, obj: Subject) -> str:
        return _("Credit file of %(name)s") % {"name": obj.name}

    def link(self, obj: Subject) -> str:
        return reverse("enterprise-file", args=[obj.uscc])

    def description(self, obj: Subject) -> str:
        return _("Changes to the public credit file of %(name)s (%(code)s).") % {
            "name": obj.name,
            "code": obj.uscc,
        }

    def items(self, obj: Subject) -> list[Any]:
        records = list(
            CreditRecord.objects.public()
            .filter(subject=obj)
            .select_related("department")
            .order_by("-updated_at")[:30]
        )
        entries = list(
            queries.active_entries().filter(subject=obj).select_related("credit_list")[:30]
        )
        link = reverse("enterprise-file", args=[obj.uscc])
        removed_records = [
            _Removal(
                guid=f"record-{removal.record_id}-removed-{removal.removed_at.timestamp():.0f}",
                title=_("Removed from the public file: %(reason)s")
                % {"reason": RecordRemoval.Reason(removal.reason).label},
                description=_("Record %(id)s is no longer published.") % {"id": removal.record_id},
                link=link,
                at=removal.removed_at,
            )
            for removal in RecordRemoval.objects.tombstones(subject=obj).order_by(
                "-removed_at", "-pk"
            )[:30]
        ]
        removed_entries = [
            _entry_removal(
                entry,
                title=_("Removed from %(list)s: %(reason)s")
                % {"list": entry.credit_list.name_zh, "reason": _entry_reason_label(entry)},
                link=link,
            )
            for entry in changes.entry_removals(subject_id=obj.pk, limit=30)
        ]
        return _newest([*records, *entries, *removed_records, *removed_entries], 30)

    def item_title(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.title
        if isinstance(item, ListEntry):
            return _("Listed: %(list)s") % {"list": item.credit_list.name_zh}
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.description
        if isinstance(item, ListEntry):
            return item.reason
        return f"{item.department.name_zh} · {item.decision_date.isoformat()} · {item.content}"

    def item_link(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.link
        prefix = "list-entry" if isinstance(item, ListEntry) else "record"
        return reverse("enterprise-file", args=[item.subject.uscc]) + f"#{prefix}-{item.pk}"

    def item_guid(self, item: Any) -> str:
        if isinstance(item, _Removal):
            return item.guid
        prefix = "list-entry" if isinstance(item, ListEntry) else "record"
        return f"{prefix}-{item.pk}-{item.updated_at.timestamp():.0f}"

    def item_updateddate(self, item: Any) -> dt.datetime:
        return item.at if isinstance(item, _Removal) else item.updated_at


class CheckForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file of codes or exact names (first column, up to 1,000 rows)")
    )

    def clean_file(self) -> list[str]:
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise forms.ValidationError(_("The file is larger than 512 KB."))
        queries_ = check.read_queries_csv(upload.read())
        if not queries_:
            raise forms.ValidationError(_("The file has no rows."))
        if len(queries_) > check.MAX_ITEMS:
            raise forms.ValidationError(
                _("At most %(max)d rows; this file has %(n)d.")
                % {"max": check.MAX_ITEMS, "n": len(queries_)}
            )
        return queries_


def check_page(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of codes, download the screening result as CSV."""
    if request.method == "POST":
        form = CheckForm(request.POST, request.FILES)
        if form.is_valid():
            items = check.check_subjects(form.cleaned_data["file"])
            response = HttpResponse(
                "\ufeff" + check.results_csv(items), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="check-{timezone.localdate():%Y%m%d}.csv"'
            )
            return response
        status = 400
    else:
        form = CheckForm()
        status = 200
    return render(
        request, "lists/check.html", {"form": form, "max_items": check.MAX_ITEMS}, status=status
    )
