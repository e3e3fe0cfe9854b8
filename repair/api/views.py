"""API of objections and repair applications, and the repair eligibility of a record.

Submissions bind the same forms as the public pages (same validation, same services) and
need verified access (docs/rules.md §8.8): the token of ``POST /api/v1/access/verify/`` in
the ``X-Verified-Access`` header; without it 401 ``verification_required``, with the wrong
one 403 naming why. A case is read back with its reference and access code
(``?access_code=`` or the ``X-Access-Code`` header) or the token of its enterprise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsers import JSONParser
from core.api.serializers import ErrorSerializer
from core.exceptions import DomainError
from core.idempotency import (
    KEY_PARAMETER,
    REPLAYED_PARAMETER,
    idempotent,
    key_reused_response,
)
from enterprises.api.paths import subject_from_path
from enterprises.models import CreditRecord

from .. import services
from ..access_forms import bound_data, fix_fields
from ..eligibility import record_eligibility
from ..forms import ObjectionForm, RepairApplicationForm
from ..models import Case, CaseKind, CaseState
from ..timeline import case_timeline
from .access import access_refusal, api_access, verified_subject


def case_data(case: Case) -> dict[str, Any]:
    timeline = case_timeline(case)
    return {
        "reference": case.reference,
        "subject": {"uscc": case.subject.uscc, "name": case.subject.name},
        "department": str(case.department),
        "concerning": timeline.items,
        "steps": [step.as_dict() for step in timeline.steps],
        "next_actor": timeline.next_actor,
        "rules_applied": timeline.rules,
        "refusal_objection_until": timeline.refusal_objection_until.isoformat()
        if timeline.refusal_objection_until
        else None,
        "kind": case.kind,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "received_on": case.received_on.isoformat(),
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "due_provisional": case.due_provisional,
        "decision_due": case.decision_due.isoformat() if case.decision_due else None,
        "decision": case.decision,
        "decision_reasons": case.decision_reasons,
        "green_channel": case.green_channel,
        "publication_ends": case.publication_ends.isoformat() if case.publication_ends else None,
        "history": [
            {"state": e.state, "at": e.at.isoformat(), "note": e.note} for e in case.events.all()
        ],
    }


class RepairEligibilityView(APIView):
    """May this public record be repaired: now, from a date, or never, with the reasons
    and the rule edition applied."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: dict,
            400: OpenApiResponse(ErrorSerializer, description=_("The code is not a valid USCC.")),
            404: OpenApiResponse(ErrorSerializer, description=_("No such public record.")),
        }
    )
    def get(self, request: Request, uscc: str, record_id: int) -> Response:
        subject = subject_from_path(uscc)
        record = (
            CreditRecord.objects.public()
            .filter(subject=subject, pk=record_id)
            .select_related("department")
            .first()
        )
        if record is None:
            raise exceptions.NotFound(_("No public record with this id."))
        return Response({"record": record.pk, **record_eligibility(record).as_dict()})


class _SubmitView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    form_class: ClassVar[Any]
    kind: ClassVar[str]

    @extend_schema(
        request=dict,
        responses={
            201: dict,
            400: OpenApiResponse(ErrorSerializer, description=_("A field is not valid.")),
            401: OpenApiResponse(
                ErrorSerializer,
                description=_("No verified access: send the X-Verified-Access header."),
            ),
            403: OpenApiResponse(
                ErrorSerializer,
                description=_("The verified access does not allow this filing."),
            ),
            422: key_reused_response(),
        },
        parameters=[KEY_PARAMETER, REPLAYED_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        # Refused before the body is looked at, and before an idempotency key could replay
        # another request's answer: no verified access, no filing (docs/rules.md §8.8).
        access = api_access(request)
        subject = verified_subject(access)
        try:
            if self.kind == CaseKind.REPAIR or access is None:
                services.filing_check(access, kind=self.kind, subject=subject)
        except services.AccessRefused as refusal:
            raise access_refusal(refusal) from None
        assert access is not None
        return self._submit(request, access=access, subject=subject)

    @idempotent
    def _submit(
        self, request: Request, *, access: services.VerifiedAccess, subject: Any
    ) -> Response:
        # A JSON array or scalar is valid JSON but not a set of form fields.
        if not isinstance(request.data, Mapping):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Send the fields as a JSON object or a form.")]}
            )
        initial = (
            {"uscc": subject.uscc, "legal_representative": subject.legal_representative}
            if subject is not None
            else {"contact_email": access.email}
        )
        form = self.form_class(
            data=bound_data(request.data, access, subject), files=request.FILES, initial=initial
        )
        fix_fields(form, access)
        if form.is_valid():
            objected = getattr(form, "objected_case", None)
            try:
                services.filing_check(
                    access, kind=self.kind, subject=form.subject, objected_case=objected
                )
                case, code = form.submit(**services.filing_extra(access, objected))
            except services.AccessRefused as refusal:
                raise access_refusal(refusal) from None
            except ValidationError as error:
                from ..forms import apply_errors

                apply_errors(form, error)
            except DomainError as error:
                raise exceptions.ValidationError({error.field: [str(error.message)]}) from None
            else:
                return Response(
                    {**case_data(case), "access_code": code}, status=status.HTTP_201_CREATED
                )
        raise exceptions.ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
                for name, messages in form.errors.items()
            }
        )


class ObjectionsView(_SubmitView):
    form_class = ObjectionForm
    kind = CaseKind.OBJECTION


class RepairApplicationsView(_SubmitView):
    form_class = RepairApplicationForm
    kind = CaseKind.REPAIR


class CaseView(APIView):
    permission_classes = [AllowAny]
    kind = ""

    @extend_schema(
        responses={
            200: dict,
            401: OpenApiResponse(
                ErrorSerializer,
                description=_("Neither an access code nor verified access was given."),
            ),
            404: OpenApiResponse(
                ErrorSerializer, description=_("No case with this reference and access code.")
            ),
        }
    )
    def get(self, request: Request, reference: str) -> Response:
        code = request.query_params.get("access_code") or request.headers.get("X-Access-Code", "")
        access = api_access(request)
        if not code and access is None:
            raise access_refusal(services.VerificationRequired())
        case = services.case_for_tracking(reference=reference, access_code=code) if code else None
        if case is None and access is not None and "\x00" not in reference:
            found = Case.objects.filter(reference=reference.strip().upper()).first()
            case = found if found is not None and services.case_readable(access, found) else None
        if case is None or case.kind != self.kind:
            raise exceptions.NotFound(_("No case with this reference and access code."))
        return Response(case_data(case))
