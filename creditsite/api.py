"""API-wide error shape: every 4xx body names the field(s) and the reason.

``{"detail": "<summary>", "errors": [{"field": "uscc", "reason": "…", "code": "checksum"}]}``
Non-field problems use ``"field": "non_field_errors"``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
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
