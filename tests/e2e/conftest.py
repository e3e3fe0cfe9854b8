"""Real-browser tests: Playwright for Python driving Debian's Chromium.

No browser is downloaded (never `playwright install`): the tests launch
/usr/bin/chromium, which .ci/run installs with apt-get. Without it they skip with
the reason, except under CI=true, where a missing browser is a failure: CI must
never pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse database access from it ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
# Chinese text in screenshots even where the system has no CJK font (fonts.conf).
FONTS = Path(__file__).with_name("fonts.conf")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} — CI=true, so browser tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            env={**os.environ, "FONTCONFIG_FILE": str(FONTS)},
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents(django_db_setup: Any) -> dict[str, str | None]:
    """The test database's serialized contents (the data migrations' reference data),
    taken before the browser starts. Once Playwright's sync API runs in this thread,
    ``connections[alias]`` resolves to objects without them, and ``serialized_rollback``
    silently restores nothing (tests/conftest.py, ``_browser_tests_last``)."""
    from django.db import connections

    return {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }


@pytest.fixture(autouse=True)
def _reference_data_restored(request: Any, _serialized_contents: dict[str, str | None]) -> None:
    """After pytest-django's transactional set-up: reload the reference data where the
    restore found no serialized contents (an earlier browser test emptied the tables)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    # pytest-django's own set-up (and its restore, where it works) comes first.
    request.getfixturevalue("_django_db_helper")
    from django.db import connections

    from core.models import Department

    if Department.objects.exists():
        return
    from django.core.management.color import no_style

    for alias, contents in _serialized_contents.items():
        if contents:
            connection = connections[alias]
            # Whatever an earlier test left (e.g. role groups made again) goes first; the
            # sequences keep their values, as a test's own flush leaves them.
            tables = connection.introspection.django_table_names(
                only_existing=True, include_views=False
            )
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(
                    no_style(), tables, reset_sequences=False, allow_cascade=True
                )
            )
            connections[alias].creation.deserialize_db_from_string(contents)
