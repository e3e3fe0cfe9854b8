"""Search at province scale: the same answers on SQLite and PostgreSQL whatever
index serves them, capped counting, pages that stop at the cap, the indexes actually
usable by the queries, and the start-up check of the database's ctype."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from enterprises import queries
from enterprises.models import Subject
from enterprises.queries import subject_search
from enterprises.services import subject_upsert
from tests.factories import SubjectFactory, next_uscc

pytestmark = pytest.mark.django_db


def organisation(actor, name: str, *, former: list[str] | None = None) -> Subject:
    subject, _ = subject_upsert(
        actor=actor, uscc=next_uscc(), data={"name": name}, former_names=former or []
    )
    return subject


def found(q: str, **filters) -> list[int]:
    return [s.pk for s in subject_search(q=q, **filters).subjects]


@pytest.fixture
def names(system_actor):
    """A few organisations whose names share and do not share pairs of characters."""
    return {
        "west_lake": organisation(system_actor, "杭州西湖龙井茶业有限公司"),
        "ningbo": organisation(system_actor, "宁波港湾物流有限公司", former=["宁波龙井贸易公司"]),
        "percent": organisation(system_actor, "百分之100%科技有限公司"),
        "latin": organisation(system_actor, "温州3D打印科技有限公司"),
        "both": organisation(system_actor, "湖州龙井茶庄", former=["湖州龙井茶行"]),
    }


# --- The same answers everywhere ------------------------------------------------------------


def test_two_characters_find_current_and_former_names_once_in_id_order(names):
    # 龙井 is in two current names and two former names, one subject has it in both.
    expected = sorted(names[k].pk for k in ("west_lake", "ningbo", "both"))
    assert found("龙井") == expected
    assert found("西湖") == [names["west_lake"].pk]
    assert found("港湾") == [names["ningbo"].pk]
    assert found("茶行") == [names["both"].pk]  # only in a former name
    assert found("茶叶") == []


@pytest.mark.parametrize("length", [3, 4, 6])
def test_longer_substrings_current_and_former(names, length):
    west = "西湖龙井茶业"[:length]
    assert found(west) == [names["west_lake"].pk]
    assert found("宁波龙井贸易"[:length]) == [names["ningbo"].pk]


def test_wildcards_of_like_are_plain_characters(names):
    # "%科" is 2 characters (the bigram path on PostgreSQL), "0%科" 3 (LIKE, escaped).
    assert found("%科") == [names["percent"].pk]
    assert found("0%科") == [names["percent"].pk]
    assert found("_科") == []
    assert found("%公司") == []
    assert found("科%") == []


def test_pinyin_initials_and_latin_parts_of_names(names):
    assert found("longjing") == sorted(names[k].pk for k in ("west_lake", "ningbo", "both"))
    assert found("hzxhljcy") == [names["west_lake"].pk]
    # Two letters: initials 西湖 → xh, and the Latin part of a name.
    assert names["west_lake"].pk in found("xh")
    assert found("3D") == [names["latin"].pk]
    assert found("3d") == [names["latin"].pk]  # through the pinyin key (lower case)


def test_a_code_finds_its_subject_and_natural_persons_are_never_found(names, system_actor):
    subject = names["latin"]
    assert found(subject.uscc) == [subject.pk]
    SubjectFactory(subject_type=Subject.SubjectType.NATURAL_PERSON, uscc=None, name="龙井张三")
    assert found("龙井") == sorted(names[k].pk for k in ("west_lake", "ningbo", "both"))


def test_filters_narrow_a_text_search(names):
    Subject.objects.update(region_id="330106")
    Subject.objects.filter(pk=names["ningbo"].pk).update(region_id="330203")
    assert found("龙井", region="330200") == [names["ningbo"].pk]
    assert found("龙井", region="330100") == sorted(names[k].pk for k in ("west_lake", "both"))


# --- Counting and pages -------------------------------------------------------------------


@pytest.fixture
def cap_30(monkeypatch, system_actor):
    """A cap of 30 (2 pages of 20) and 35 subjects matching 分页."""
    monkeypatch.setattr(queries, "COUNT_CAP", 30)
    ids = [organisation(system_actor, f"杭州分页{n}号有限公司").pk for n in range(35)]
    return sorted(ids)


def test_counts_stop_at_the_cap_and_pages_at_the_last_one_under_it(client, cap_30):
    first = subject_search(q="分页")
    assert first.page.capped and first.page.count == 31 and first.page.pages == 2
    assert [s.pk for s in first.subjects] == cap_30[:20]
    second = subject_search(q="分页", page=2)
    assert [s.pk for s in second.subjects] == cap_30[20:30]
    body = client.get("/api/v1/enterprises/", {"q": "分页"}).json()
    assert body["count"] == 30 and body["count_capped"] is True and body["pages"] == 2


def test_a_page_beyond_the_cap_is_refused_with_a_clear_message(client, cap_30):
    page = client.get("/search/", {"q": "分页", "page": 3}, HTTP_COOKIE="django_language=en")
    assert page.status_code == 400
    assert "Results stop at the first 30 matches (page 2)" in page.content.decode()
    api = client.get("/api/v1/enterprises/", {"q": "分页", "page": 3}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    error = api.json()["errors"][0]
    assert error["field"] == "page" and "narrow the search" in error["reason"]


def test_a_page_past_the_last_under_the_cap_shows_the_last(client, system_actor):
    ids = sorted(organisation(system_actor, f"杭州翻页{n}号有限公司").pk for n in range(23))
    result = subject_search(q="翻页", page=7)
    assert result.page.number == 2 and result.page.count == 23 and not result.page.capped
    assert [s.pk for s in result.subjects] == ids[20:]
    assert client.get("/search/", {"q": "翻页", "page": 7}).status_code == 200


def test_the_real_cap_is_page_500(client):
    assert queries.search_page_limit() == 500
    assert client.get("/api/v1/enterprises/", {"q": "公司", "page": 500}).status_code == 200
    assert client.get("/api/v1/enterprises/", {"q": "公司", "page": 501}).status_code == 400


# --- PostgreSQL: the indexes serve the queries ------------------------------------------------

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search indexes exist on PostgreSQL only"
)


def _plan(sql: str, params: list) -> str:
    """The plan when scans are made dear: an index it can use shows up."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql
@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("西湖", "subject_name_bigram_idx"),
        ("西湖龙井", "subject_name_trgm_idx"),
        ("xh", "subject_initials_bigram_idx"),
        ("xh", "subject_pinyin_bigram_idx"),
        ("longjing", "subject_pinyin_trgm_idx"),
    ],
)
def test_the_search_condition_can_use_its_index(names, q, index):
    """The SQL the search writes matches the indexed expression (a cast or a different
    function would silently leave the index unused: a scan of 2.58 M names)."""
    match = queries._term_match(q)
    sql, params = (
        queries.public_subjects()
        .filter(match.subject)
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    assert index in _plan(sql, list(params))


@postgresql
def test_former_names_use_their_bigram_index(names):
    match = queries._term_match("茶行")
    former = queries._former_subjects(match.former)
    sql, params = former.query.sql_with_params()
    assert "former_name_bigram_idx" in _plan(sql, list(params))


@postgresql
def test_cs_bigrams_gives_every_pair():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cs_bigrams('阿里巴巴'), cs_bigrams('阿'), cs_bigrams('')")
        assert cursor.fetchone() == (["阿里", "里巴", "巴巴"], [], [])


@postgresql
def test_an_estimate_that_says_too_many_still_gives_exact_small_numbers(monkeypatch, system_actor):
    """Every pair is 'estimated' above the threshold here: nothing is counted, yet a page
    that is not full gives the exact number, and a page past the real end finds it."""
    monkeypatch.setattr(queries, "ESTIMATE_CAPPED_PAIR", 0)
    ids = sorted(organisation(system_actor, f"杭州估算{n}号有限公司").pk for n in range(25))
    first = subject_search(q="估算")
    assert first.page.capped and [s.pk for s in first.subjects] == ids[:20]
    past = subject_search(q="估算", page=4)
    assert not past.page.capped and past.page.count == 25 and past.page.number == 2
    assert [s.pk for s in past.subjects] == ids[20:]
    organisation(system_actor, "宁波少数有限公司")
    few = subject_search(q="少数")
    assert few.page.count == 1 and not few.page.capped


@postgresql
def test_the_benchmark_bare_sql_gives_the_search_answer(names, system_actor):
    from tests.bench import search

    for n in range(30):
        organisation(system_actor, f"杭州基准{n % 7}{n}科技有限公司")
    rows = search.run(repeat=1)
    assert {row["label"] for row in rows} >= {"2 characters, rare pair", "USCC", "full name"}
    assert all(row["same_answer"] for row in rows), [r["q"] for r in rows if not r["same_answer"]]
    assert all(row["bare_p95_ms"] > 0 and row["view_ratio"] > 0 for row in rows)
    assert "all queries (pooled)" in search.table(rows)


# --- PostgreSQL: the ctype check ---------------------------------------------------------------


@postgresql
def test_the_migrated_database_passes_the_check():
    from core.dbchecks import check_search_database

    assert check_search_database(databases=["default"]) == []
    call_command("check", "--database", "default")  # raises SystemCheckError on an error


@pytest.fixture
def c_ctype_database():
    """A database with SQL_ASCII encoding and the C ctype, as `createdb` gives on a server
    initialised without a UTF-8 locale; dropped afterwards."""
    import psycopg

    settings = connection.settings_dict
    name = f"search_ctype_c_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    dsn = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**dsn, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'SQL_ASCII' "
            "LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    with psycopg.connect(**{**dsn, "dbname": name}, autocommit=True) as created:
        created.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    yield {**settings, "NAME": name}
    with psycopg.connect(**dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _wrapper(settings: dict):
    """A connection of its own to another database. Its alias is "default" only because
    the test case allows connections under that alias."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    return DatabaseWrapper(settings, alias="default")


@postgresql
def test_a_c_ctype_database_is_refused_at_the_first_connection(c_ctype_database, caplog):
    wrapper = _wrapper(c_ctype_database)
    with (
        caplog.at_level(logging.ERROR, logger="core.dbchecks"),
        pytest.raises(ImproperlyConfigured) as refused,
    ):
        wrapper.ensure_connection()
    message = str(refused.value)
    assert "LC_CTYPE “C”" in message and "C.UTF-8" in message
    assert "docs/operations.md" in message
    assert "database.ctype_not_utf8" in caplog.text
    assert wrapper.connection is None  # closed, not left for the next query
    with pytest.raises(ImproperlyConfigured):  # and refused again, every time
        wrapper.ensure_connection()


@postgresql
def test_the_system_check_reports_a_c_ctype_database(c_ctype_database):
    from core.dbchecks import connection_messages

    wrapper = _wrapper(c_ctype_database)
    errors = connection_messages(wrapper)
    assert [error.id for error in errors] == ["creditsite.E001"]
    assert "C.UTF-8" in errors[0].msg


@postgresql
def test_pg_trgm_under_the_c_ctype_finds_no_chinese_trigrams(c_ctype_database):
    """The failure the ctype check exists for (DESIGN), and the probe that shows it."""
    from django.db.backends.signals import connection_created

    from core import dbchecks

    assert dbchecks._trigrams_of_chinese(connection)
    wrapper = _wrapper(c_ctype_database)
    connection_created.disconnect(dispatch_uid="core.dbchecks")
    try:
        wrapper.ensure_connection()
        assert not dbchecks._trigrams_of_chinese(wrapper)
    finally:
        wrapper.close()
        connection_created.connect(dbchecks.on_connection_created, dispatch_uid="core.dbchecks")
