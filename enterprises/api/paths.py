"""The subject named in an API path, shared by every public API view of one subject."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from enterprises import queries
from enterprises.models import Subject
from enterprises.uscc import USCCError, validate_uscc


def subject_from_path(uscc: str) -> Subject:
    """The organisation with this code, or a 400 naming the code's problem / a 404."""
    try:
        code = validate_uscc(uscc)
    except USCCError as error:
        raise exceptions.ValidationError(
            {"uscc": [exceptions.ErrorDetail(error.messages[0], code=error.code)]}
        ) from None
    subject = queries.public_subjects().filter(uscc=code).first()
    if subject is None:
        raise exceptions.NotFound(_("No credit subject with this code."))
    return subject
