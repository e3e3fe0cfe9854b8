"""Public news pages: the list (paginated) and one article."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import queries


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    # A page number people can type: anything else is the first page, never an error page.
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def article_list(request: HttpRequest) -> HttpResponse:
    articles, page = queries.articles_page(page=_page_number(request))
    return render(request, "news/list.html", {"articles": articles, "page": page})


def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = queries.public_article(article_id)
    if article is None:
        raise Http404("no such article")
    return render(request, "news/detail.html", {"article": article})
