"""The documented shape of every API error body (written by ``core.api.handlers``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("The input at fault, or “non_field_errors”."))
    reason = serializers.CharField(help_text=_("What is wrong, in the request's language."))
    code = serializers.CharField(help_text=_("A stable machine-readable code, e.g. “checksum”."))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    # The metaclass moves declared fields off the class, so this does not hide
    # Serializer.errors at run time; the stubs cannot know that.
    errors = ErrorItemSerializer(many=True)  # type: ignore[assignment]
