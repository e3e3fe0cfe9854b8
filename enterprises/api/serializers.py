"""Serializers of the department API: they check types, lengths and choices of each
field and hand plain values to the services, which own every cross-field rule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enterprises.models import (
    CreditRecord,
    Department,
    FormerName,
    Industry,
    Region,
    Subject,
)
from enterprises.services import RECORD_FIELDS, SUBJECT_FORM_FIELDS, SUBJECT_PERSONAL_FIELDS
from enterprises.uscc import USCCError, normalize_uscc, validate_uscc

# --- Helpers ---------------------------------------------------------------------------------


def clean_uscc(value: str) -> str:
    """The normalised code, or a field error saying which part is wrong (rules.md §2).

    A code failing only its check character is accepted when an official has
    already registered it with a recorded override: departments must be able to
    send records about such subjects, and the acceptance was never silent.
    """
    try:
        return validate_uscc(value)
    except USCCError as error:
        code = normalize_uscc(value)
        if (
            error.code == "checksum"
            and Subject.objects.filter(uscc=code, uscc_override=True).exists()
        ):
            return code
        raise serializers.ValidationError(error.messages[0], code=error.code) from None


# --- Departments -------------------------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name_zh", "name_en", "level"]


# --- Credit subjects -------------------------------------------------------------------------


class CodeRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row named by its code (a text primary key).

    PostgreSQL refuses a NUL character in text, so the lookup would fail with a database
    error; such a code is refused here as bad input instead.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(
                _("Null characters are not allowed."), code="null_characters_not_allowed"
            )
        return super().to_internal_value(data)


class SubjectWriteSerializer(serializers.ModelSerializer):
    """Basic information a department registers or updates, keyed by the USCC.

    Omitted optional fields keep their stored value; a new subject is an
    enterprise unless ``subject_type`` says otherwise.
    """

    uscc = serializers.CharField(
        label=_("unified social credit code"),
        help_text=_("18 characters; spaces and hyphens are ignored."),
    )
    region = CodeRelatedField(
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Administrative division code (GB/T 2260), e.g. 330106."),
        error_messages={
            "does_not_exist": _("No administrative division has the code “{pk_value}”.")
        },
    )
    industry = CodeRelatedField(
        queryset=Industry.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Industry section of GB/T 4754-2017, a letter A–T."),
        error_messages={"does_not_exist": _("No industry section has the code “{pk_value}”.")},
    )
    former_names = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=50,
        help_text=_("Names the subject was registered under before; added, never removed."),
    )

    class Meta:
        model = Subject
        # The writable fields without natural persons' data (not accepted here).
        fields = [
            "uscc",
            *(name for name in SUBJECT_FORM_FIELDS if name not in SUBJECT_PERSONAL_FIELDS),
            "former_names",
        ]
        extra_kwargs = {"registered_capital": {"min_value": 0}}
        # The USCC is the key of an upsert, not a uniqueness error.
        validators: list[Any] = []

    def validate_uscc(self, value: str) -> str:
        return clean_uscc(value)

    def validate_subject_type(self, value: str) -> str:
        if value == Subject.SubjectType.NATURAL_PERSON:
            raise serializers.ValidationError(
                _(
                    "Natural persons cannot be registered through this API: their personal "
                    "data needs a separate legal basis."
                ),
                code="natural_person_not_accepted",
            )
        return value

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``subject_upsert`` (without the actor)."""
        data = dict(self.validated_data)
        uscc = data.pop("uscc")
        former_names = data.pop("former_names", None)
        for relation in ("region", "industry"):
            if relation in data:
                related = data.pop(relation)
                data[f"{relation}_id"] = related.pk if related is not None else None
        return {"uscc": uscc, "data": data, "former_names": former_names}


class SubjectSerializer(serializers.ModelSerializer):
    """A credit subject's public basic information (rules.md §2)."""

    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)
    industry = serializers.CharField(source="industry_id", allow_null=True, read_only=True)
    former_names: serializers.SlugRelatedField[FormerName] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )

    class Meta:
        model = Subject
        # Written out, not derived from the writable fields: what the public API shows is
        # a contract of its own.
        fields = [
            "uscc",
            "subject_type",
            "name",
            "legal_representative",
            "enterprise_type",
            "established_on",
            "address",
            "registered_capital",
            "business_scope",
            "registration_status",
            "region",
            "industry",
            "former_names",
            "updated_at",
        ]
        read_only_fields = fields


# --- Credit records ----------------------------------------------------------------------------


class CreditRecordWriteSerializer(serializers.ModelSerializer):
    """A credit record sent by a department. The department is always the token's."""

    subject_uscc = serializers.CharField(
        label=_("subject's unified social credit code"),
        help_text=_("The subject must be registered first (POST /api/v1/enterprises/)."),
    )
    department = serializers.CharField(
        required=False,
        label=_("source department"),
        help_text=_("Optional. If given, it must be the code of the token's own department."),
    )

    class Meta:
        model = CreditRecord
        fields = ["subject_uscc", "department", *RECORD_FIELDS]
        extra_kwargs = {
            # The key that makes resending idempotent: required here, unlike in the admin.
            "document_number": {"required": True, "allow_blank": False},
            "fine_amount": {"min_value": 0},
            "amount": {"min_value": 0},
            # Tax credit ratings exist since 2003; the bounds keep nonsense out.
            "tax_year": {"min_value": 1990, "max_value": 2100},
        }
        # (department, document_number) identifies the record to update, not a conflict.
        validators: list[Any] = []

    def validate_subject_uscc(self, value: str) -> str:
        code = clean_uscc(value)
        self._subject = Subject.objects.filter(uscc=code).first()
        if self._subject is None:
            raise serializers.ValidationError(
                _(
                    "No credit subject with this code; register it first via "
                    "POST /api/v1/enterprises/."
                ),
                code="not_found",
            )
        return code

    def service_arguments(self) -> dict[str, Any]:
        """``subject`` and ``data`` for ``record_upsert`` (without actor and department)."""
        data = dict(self.validated_data)
        data.pop("department", None)
        data.pop("subject_uscc")
        return {"subject": self._subject, "data": data}


class CreditRecordSerializer(serializers.ModelSerializer):
    subject_uscc = serializers.CharField(source="subject.uscc", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "subject_uscc",
            "department",
            *RECORD_FIELDS,
            "state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
