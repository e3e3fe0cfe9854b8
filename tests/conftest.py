from __future__ import annotations

import os

import pytest

from core.actors import Actor


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(config, items):
    _transactional_tests_keep_reference_data(items)
    _skip_services_tests_without_services(items)
    _browser_tests_last(items)


def _transactional_tests_keep_reference_data(items):
    """A transactional test (``django_db(transaction=True)``) empties every table when it
    ends, the data migrations' reference data (regions, departments, catalogue editions)
    included, and a later test in the same process would find none. Every such test
    reloads that data at its start (``serialized_rollback``)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if marker.kwargs.get("serialized_rollback"):
            continue
        item.add_marker(
            pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
            append=False,
        )


def _browser_tests_last(items):
    """The browser tests run last.

    While Playwright's sync API runs (their session-scoped browser), Django's connections
    (asgiref locals) resolve to other objects in this thread, which lack the test
    database's serialized contents: a transactional test after them would have its
    reference data silently not restored.
    """
    browser = [item for item in items if "/e2e/" in str(item.fspath)]
    if browser:
        rest = [item for item in items if "/e2e/" not in str(item.fspath)]
        items[:] = rest + browser


def _skip_services_tests_without_services(items):
    """Tests marked ``services`` need PostgreSQL, Redis and a Celery worker.

    Without them they are skipped on a newcomer's machine; with REQUIRE_SERVICES=1
    (CI's second pass) a missing service is a failure, never a skip.
    """
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    have = bool(os.environ.get("REDIS_URL")) and os.environ.get("DATABASE_URL", "").startswith(
        ("postgres", "postgresql", "pgsql")
    )
    if have or required:
        return
    skip = pytest.mark.skip(reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL; run in CI")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def system_actor() -> Actor:
    return Actor.for_system("tests")


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process in every test but the ``services`` ones.

    With REDIS_URL set (CI's second pass) tasks would otherwise go to a broker that no
    worker of this test reads; the worker tests (marked ``services``) start a real worker
    and keep the real broker.
    """
    if request.node.get_closest_marker("services"):
        yield
        return
    from creditsite.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _throttling_off(settings):
    """The suite sends many requests from one address; tests/test_throttling.py turns it on."""
    settings.THROTTLE_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_working_day_cache():
    """The working-day module caches the calendar table for minutes; a test that enters a
    year (then rolled back) must not decide the next test's deadlines."""
    from rules.workdays import clear_cache

    clear_cache()
    yield
    clear_cache()
