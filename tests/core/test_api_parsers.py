"""JSON bodies every API endpoint reads: too deeply nested JSON is a 400 with the API's
error body, never a RecursionError (a 500), whoever sends it."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core.api.parsers import MAX_JSON_DEPTH, JSONParser
from core.tokens import token_issue
from enterprises.models import Department

pytestmark = pytest.mark.django_db

DEEP = b"[" * 100_000 + b"]" * 100_000  # far past Python's recursion limit
TOO_DEEP = b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1)
DEEP_STRINGS = b'{"a":"' + b"[" * 100_000 + b'"}'  # brackets inside a string are not nesting


def _api_views(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, type]]:
    """(route, view class) of every DRF view mounted under /api/."""
    found: list[tuple[str, type]] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _api_views(pattern, route)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None) or getattr(
                pattern.callback, "cls", None
            )
            if route.startswith("api/") and view_class and issubclass(view_class, APIView):
                found.append((route, view_class))
    return found


def _path(route: str) -> str:
    """A concrete path for a route: ints and codes filled in with plausible values."""
    path = "/" + route.replace("^", "").replace("$", "")
    for converter, value in (("<int:", "1"), ("<slug:", "x"), ("<str:", "x"), ("<path:", "x")):
        while converter in path:
            start = path.index(converter)
            path = path[:start] + value + path[path.index(">", start) + 1 :]
    return path


def test_every_api_view_reads_json_through_the_bounded_parser():
    views = _api_views()
    assert len(views) > 10
    for route, view_class in views:
        for parser in view_class.parser_classes:
            if issubclass(parser, DRFJSONParser):
                assert issubclass(parser, JSONParser), (route, parser)
    assert JSONParser in api_settings.DEFAULT_PARSER_CLASSES


@pytest.fixture
def token_client() -> APIClient:
    _token, key = token_issue(department=Department.objects.get(code="zj-amr"))
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.mark.parametrize("body", [DEEP, TOO_DEEP], ids=["100000-deep", "limit+1"])
def test_deeply_nested_json_is_400_on_every_endpoint(token_client, body):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    parsed = 0
    for route, _view in _api_views():
        path = _path(route)
        for client in (anonymous, token_client):
            for method in ("POST", "PUT", "PATCH"):
                response = client.generic(method, path, body, content_type="application/json")
                assert response.status_code < 500, (method, path, response.status_code)
                if response.status_code != 400:
                    continue  # 401, 404, 405 …: refused before the body was read
                errors = response.json()["errors"]
                if errors[0]["code"] == "parse_error":
                    parsed += 1
                    assert "nested" in errors[0]["reason"], errors
    # The department write endpoints and the anonymous objection and repair forms at least.
    assert parsed >= 4


def test_nesting_up_to_the_limit_and_brackets_in_strings_are_fine(token_client):
    nested = b'{"a":' * MAX_JSON_DEPTH + b"1" + b"}" * MAX_JSON_DEPTH
    for body in (nested, DEEP_STRINGS):
        response = token_client.generic(
            "POST", "/api/v1/enterprises/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] != "parse_error", response.json()
