"""Credit news (信用动态): short articles by the credit centre, in Chinese, English or
both. An article is public once published and its date has come; each language's page
lists only the articles written in that language (docs/decisions.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ArticleLanguage(models.TextChoices):
    ZH = "zh", _("Chinese only")
    EN = "en", _("English only")
    BOTH = "both", _("Chinese and English")


def _english(language: str | None = None) -> bool:
    return (language or get_language() or "").startswith("en")


class ArticleQuerySet(models.QuerySet["Article"]):
    def public(self, *, on: dt.date | None = None) -> ArticleQuerySet:
        """Published articles dated on or before today (Asia/Shanghai)."""
        return self.filter(is_published=True, published_on__lte=on or timezone.localdate())

    def in_language(self, language: str | None = None) -> ArticleQuerySet:
        """The articles written in ``language`` (default: the active one)."""
        own = ArticleLanguage.EN if _english(language) else ArticleLanguage.ZH
        return self.filter(language__in=[own, ArticleLanguage.BOTH])


class Article(models.Model):
    language = models.CharField(
        _("language"),
        max_length=4,
        choices=ArticleLanguage.choices,
        default=ArticleLanguage.BOTH,
        help_text=_("Chinese pages list the articles in Chinese, English pages those in English."),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=400, blank=True)
    body_zh = models.TextField(
        _("text (Chinese)"), blank=True, help_text=_("Plain text; a blank line starts a paragraph.")
    )
    body_en = models.TextField(
        _("text (English)"), blank=True, help_text=_("Plain text; a blank line starts a paragraph.")
    )
    source_zh = models.CharField(_("source (Chinese)"), max_length=200, blank=True)
    source_en = models.CharField(_("source (English)"), max_length=250, blank=True)
    source_url = models.URLField(_("source address"), blank=True)
    published_on = models.DateField(_("date"), default=timezone.localdate)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published articles are public.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-published_on", "-id"]
        indexes = [
            # The public list and the home page: published articles, newest first.
            models.Index(fields=["is_published", "-published_on"], name="news_article_public"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(language="en") | (~Q(title_zh="") & ~Q(body_zh="")),
                name="news_article_zh_written",
                violation_error_message=_("An article in Chinese needs a Chinese title and text."),
            ),
            models.CheckConstraint(
                condition=Q(language="zh") | (~Q(title_en="") & ~Q(body_en="")),
                name="news_article_en_written",
                violation_error_message=_("An article in English needs an English title and text."),
            ),
        ]

    def __str__(self) -> str:
        return self.title_zh or self.title_en

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.language != ArticleLanguage.EN:
            for name in ("title_zh", "body_zh"):
                if not getattr(self, name).strip():
                    errors[name] = _("Required for an article in Chinese.")
        if self.language != ArticleLanguage.ZH:
            for name in ("title_en", "body_en"):
                if not getattr(self, name).strip():
                    errors[name] = _("Required for an article in English.")
        if errors:
            raise ValidationError(errors)

    # The text in the active language: the page asks for what it shows.
    def _pick(self, name: str) -> str:
        english = _english() and self.language != ArticleLanguage.ZH
        if self.language == ArticleLanguage.EN:
            english = True
        value: str = getattr(self, f"{name}_en" if english else f"{name}_zh")
        return value

    @property
    def text_language(self) -> str:
        """The HTML ``lang`` of the text shown on the active language's page."""
        if self.language == ArticleLanguage.EN:
            return "en"
        if self.language == ArticleLanguage.ZH:
            return "zh-hans"
        return "en" if _english() else "zh-hans"

    @property
    def title(self) -> str:
        return self._pick("title")

    @property
    def summary(self) -> str:
        return self._pick("summary")

    @property
    def body(self) -> str:
        return self._pick("body")

    @property
    def source(self) -> str:
        return self._pick("source")

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
