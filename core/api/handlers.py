"""API-wide error shape: every 4xx body names the field(s) and the reason.

``{"detail": "<summary>", "errors": [{"field": "uscc", "reason": "…", "code": "checksum"}]}``
Non-field problems use ``"field": "non_field_errors"``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            errors.extend(_flatten(value, name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                errors.extend(_flatten(value, f"{prefix}[{index}]" if prefix else str(index)))
            else:
                errors.extend(_flatten(value, prefix))
    else:
        errors.append(
            {
                "field": prefix or "non_field_errors",
                "reason": str(detail),
                "code": getattr(detail, "code", "invalid") or "invalid",
            }
        )
    return errors


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # get_error_detail keeps each message's code ("checksum", "length" …).
        detail = get_error_detail(exc)
        if isinstance(detail, dict):
            detail = {("non_field_errors" if k == "__all__" else k): v for k, v in detail.items()}
        else:
            detail = {"non_field_errors": detail}
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("Invalid input."), "errors": _flatten(exc.detail)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {
            "detail": str(detail),
            "errors": [
                {
                    "field": "non_field_errors",
                    "reason": str(detail),
                    "code": getattr(detail, "code", "error"),
                }
            ],
        }
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response


# --- Errors Django answers before (or outside) a DRF view ------------------------------------
# A path the URL patterns reject (e.g. a non-numeric id) and a body Django refuses to read
# (too large, too many fields) would otherwise get the HTML error pages; under /api/ they
# get the same JSON body as every other API error.


def _json_error(status_code: int, reason: str, code: str) -> JsonResponse:
    return JsonResponse(
        {
            "detail": reason,
            "errors": [{"field": "non_field_errors", "reason": reason, "code": code}],
        },
        status=status_code,
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(
            400,
            _("The request could not be read: the body is too large or has too many fields."),
            "bad_request",
        )
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(404, _("Not found."), "not_found")
    return defaults.page_not_found(request, exception)
