"""Reads of the credit news shared by the news pages and the home page: public articles
only, in the active language (docs/decisions.md)."""

from __future__ import annotations

from typing import Any

from enterprises.queries import Page, paginate

from .models import Article

NEWS_PAGE_SIZE = 20
HOME_NEWS = 5


def latest_articles(*, limit: int = HOME_NEWS) -> list[Article]:
    """The newest public articles written in the active language (the home page)."""
    return list(Article.objects.public().in_language()[:limit])


def articles_page(*, page: int | None) -> tuple[list[Any], Page]:
    """One page of the public articles written in the active language."""
    return paginate(Article.objects.public().in_language(), page=page, size=NEWS_PAGE_SIZE)


def public_article(pk: int) -> Article | None:
    """A published article, whatever its language (a link shared from the other
    language's page still opens; the page says the article's own language)."""
    return Article.objects.public().filter(pk=pk).first()
