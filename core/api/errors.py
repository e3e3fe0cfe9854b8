"""Turn errors raised by services into the API's error body, with API field names.

``core.api.handlers.exception_handler`` writes the body; this module only makes sure
what reaches it names the fields as the client sent them (``region``, not
``region_id``; ``subject_uscc``, not ``subject``), keeps each error's code
(``checksum``, ``invalid_choice`` …) and gives domain errors their status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from core.exceptions import DomainError

API_NON_FIELD = "non_field_errors"


def _code_of(error: DomainError) -> str:
    code = getattr(error, "code", None)
    if code:
        return str(code)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def validation_error(
    error: DjangoValidationError, field_names: Mapping[str, str]
) -> exceptions.ValidationError:
    """A DRF ValidationError with the same messages and codes under API field names."""
    detail = get_error_detail(error)
    if not isinstance(detail, dict):
        return exceptions.ValidationError({API_NON_FIELD: detail})
    renamed: dict[str, list[Any]] = {}
    for name, messages in detail.items():
        api_name = API_NON_FIELD if name == NON_FIELD_ERRORS else field_names.get(name, name)
        renamed.setdefault(api_name, []).extend(messages)
    return exceptions.ValidationError(renamed)


class DomainRefusal(exceptions.ValidationError):
    """A rule refused the request: the error handler names the field; status from the rule."""

    def __init__(self, error: DomainError, field: str) -> None:
        super().__init__({field: [str(error.message)]}, code=_code_of(error))
        self.status_code = error.status_code
        self.message = str(error.message)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A concurrent request changed the same data; send the request again.")
    default_code = "conflict"


class ServiceErrorsMixin:
    """For API views that call services: maps their exceptions to 4xx bodies.

    ``field_names`` maps model or service field names to the API's names.
    """

    field_names: Mapping[str, str] = {}

    def handle_exception(self, exc: Exception) -> Response:
        refusal: DomainRefusal | None = None
        if isinstance(exc, DjangoValidationError):
            exc = validation_error(exc, self.field_names)
        elif isinstance(exc, DomainError):
            refusal = DomainRefusal(exc, self.field_names.get(exc.field, exc.field))
            exc = refusal
        elif isinstance(exc, IntegrityError):
            exc = Conflict()
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        if refusal is not None and isinstance(response.data, dict):
            # A refusal is not "invalid input": lead with what the rule said.
            response.data["detail"] = refusal.message
        return response


def retry_once_on_race(call: Any) -> Any:
    """Run ``call``; if a concurrent request inserted the same key (USCC, department +
    document number) first, run it once more: it then finds that row and updates it."""
    try:
        return call()
    except IntegrityError:
        return call()
