"""Credit news (信用动态): officials write articles in the admin; the public sees the
published ones in its language, on the news pages and on the home page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.roles import GROUP_CREDIT_CENTRE_REVIEWER, GROUP_DEPARTMENT_OFFICER
from demo.news import ARTICLES, demo_news
from news.models import Article, ArticleLanguage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def article(**fields):
    values = {
        "language": ArticleLanguage.BOTH,
        "title_zh": "信用修复指南更新",
        "title_en": "Credit repair guide updated",
        "body_zh": "第一段。\n\n第二段。",
        "body_en": "First paragraph.\n\nSecond paragraph.",
        "source_zh": "省信用中心",
        "source_en": "Provincial credit centre",
        "published_on": timezone.localdate() - dt.timedelta(days=1),
        "is_published": True,
    }
    values.update(fields)
    return Article.objects.create(**values)


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_list_shows_published_articles_of_the_page_language_newest_first(client):
    article(
        title_zh="旧文章", title_en="Older", published_on=timezone.localdate() - dt.timedelta(9)
    )
    article(title_zh="新文章", title_en="Newer")
    article(title_zh="草稿", title_en="Draft", is_published=False)
    article(
        title_zh="明天", title_en="Tomorrow", published_on=timezone.localdate() + dt.timedelta(1)
    )
    article(language=ArticleLanguage.EN, title_zh="", body_zh="", title_en="English only")
    article(language=ArticleLanguage.ZH, title_en="", body_en="", title_zh="只有中文")

    body = client.get("/news/").content.decode()
    assert body.index("新文章") < body.index("旧文章")
    assert "只有中文" in body
    assert "草稿" not in body and "明天" not in body and "English only" not in body

    body = english(client).get("/news/").content.decode()
    assert body.index("Newer") < body.index("Older")
    assert "English only" in body
    assert "Draft" not in body and "Tomorrow" not in body and "只有中文" not in body


def test_detail_page_in_each_language_with_paragraphs_and_source(client):
    item = article()
    body = client.get(f"/news/{item.pk}/").content.decode()
    assert "信用修复指南更新" in body and "<p>第二段。</p>" in body and "省信用中心" in body
    body = english(client).get(f"/news/{item.pk}/").content.decode()
    assert "Credit repair guide updated" in body and "<p>Second paragraph.</p>" in body
    assert "信用修复指南更新" not in body


def test_an_article_in_one_language_says_so_on_the_other_language_page(client):
    item = article(language=ArticleLanguage.ZH, title_en="", body_en="", source_en="")
    body = english(client).get(f"/news/{item.pk}/").content.decode()
    assert "This article is available in Chinese only." in body
    assert '<div lang="zh-hans">' in body


@pytest.mark.parametrize("state", ["draft", "future", "missing"])
def test_unpublished_future_or_missing_articles_are_404(client, state):
    if state == "missing":
        pk = 999_999
    else:
        pk = article(
            is_published=state != "draft",
            published_on=timezone.localdate() + dt.timedelta(days=1 if state == "future" else -1),
        ).pk
    assert client.get(f"/news/{pk}/").status_code == 404


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999", "2"])
def test_bad_or_out_of_range_page_numbers_are_never_an_error(client, page):
    article()
    response = client.get("/news/", {"page": page})
    assert response.status_code == 200
    assert "信用修复指南更新" in response.content.decode()


def test_list_is_paginated(client):
    for day in range(25):
        article(title_zh=f"第{day}篇", published_on=TODAY - dt.timedelta(days=day))
    first = client.get("/news/").content.decode()
    second = client.get("/news/", {"page": 2}).content.decode()
    assert "第0篇" in first and "第19篇" in first and "第20篇" not in first
    assert "第20篇" in second and 'rel="prev"' in second


def test_list_page_queries_are_constant(client, django_assert_max_num_queries):
    for day in range(15):
        article(published_on=TODAY - dt.timedelta(days=day))
    with django_assert_max_num_queries(4):
        client.get("/news/")


def test_home_shows_the_latest_news(client):
    article(title_zh="首页动态", title_en="Home news")
    assert "首页动态" in client.get("/").content.decode()
    assert "Home news" in english(client).get("/").content.decode()


def test_an_article_needs_its_languages_text():
    item = Article(language=ArticleLanguage.BOTH, title_zh="标题", body_zh="正文")
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert set(error.value.message_dict) >= {"title_en", "body_en"}
    Article(language=ArticleLanguage.ZH, title_zh="标题", body_zh="正文").full_clean()


def test_credit_centre_reviewers_write_news_in_the_admin_officers_do_not(client):
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(Group.objects.get(name=GROUP_CREDIT_CENTRE_REVIEWER))
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get(name=GROUP_DEPARTMENT_OFFICER))
    assert reviewer.has_perms(["news.add_article", "news.change_article"])
    assert not reviewer.has_perm("news.delete_article")  # withdrawn, never deleted
    assert not officer.has_perm("news.add_article")

    client.force_login(reviewer)
    response = client.post(
        "/admin/news/article/add/",
        {
            "language": "both",
            "published_on": "2026-03-01",
            "is_published": "on",
            "title_zh": "新政策解读",
            "body_zh": "正文",
            "title_en": "A new policy explained",
            "body_en": "Text",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get().title_en == "A new policy explained"
    client.force_login(officer)
    assert client.get("/admin/news/article/add/").status_code == 403


def test_demo_news_in_both_languages_once():
    assert demo_news(as_of=TODAY) == len(ARTICLES)
    assert demo_news(as_of=TODAY) == 0
    articles = list(Article.objects.public(on=TODAY))
    assert len(articles) == len(ARTICLES)
    assert all(a.language == ArticleLanguage.BOTH and a.title_zh and a.title_en for a in articles)
    for item in articles:
        item.full_clean()
