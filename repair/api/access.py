"""Verified access through the API (docs/rules.md §8.8): ask for a one-time code, verify
it for a token, list the cases the token may read. Filing and reading views ask
``api_access`` for the token of the ``X-Verified-Access`` header; the session is never
used by the API (a cookie would let another site file in a verified user's name)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsers import JSONParser
from core.api.serializers import ErrorSerializer
from core.exceptions import DomainError
from core.http import client_ip
from enterprises.models import Subject

from .. import services


def api_access(request: Request) -> services.VerifiedAccess | None:
    return services.access_from_token(request.headers.get(services.TOKEN_HEADER, ""))


def verified_subject(access: services.VerifiedAccess | None) -> Subject | None:
    if access is None or access.subject_id is None:
        return None
    return Subject.objects.filter(pk=access.subject_id).first()


def access_refusal(refusal: DomainError) -> exceptions.APIException:
    """The API's answer to a refused access: 401 without verification (with a
    ``WWW-Authenticate`` challenge naming the header), else its own status, and the
    error code naming the reason."""
    error = exceptions.APIException(
        detail=exceptions.ErrorDetail(str(refusal.message), code=getattr(refusal, "code", "error"))
    )
    error.status_code = refusal.status_code
    if refusal.status_code == status.HTTP_401_UNAUTHORIZED:
        error.auth_header = f'{services.TOKEN_HEADER} realm="api"'  # type: ignore[attr-defined]
    return error


def _errors(error: ValidationError | DomainError) -> exceptions.APIException:
    if isinstance(error, ValidationError):
        return exceptions.ValidationError(
            {
                name: [str(m) for m in messages]
                for name, messages in getattr(
                    error, "message_dict", {"code": error.messages}
                ).items()
            }
        )
    if error.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        throttled = exceptions.Throttled(wait=3600, detail=str(error.message))
        return throttled
    return exceptions.ValidationError(
        {
            error.field: [
                exceptions.ErrorDetail(str(error.message), code=getattr(error, "code", "invalid"))
            ]
        }
    )


class AccessCodesView(APIView):
    """Send a one-time code: ``{"uscc": …}`` to the contact e-mail registered for that
    enterprise, or ``{"email": …}`` to a stakeholder's own address. The answer names the
    address masked and a ``challenge`` to verify the code with."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=dict,
        responses={
            202: dict,
            400: OpenApiResponse(ErrorSerializer, description=_("A field is not valid.")),
            429: OpenApiResponse(ErrorSerializer, description=_("Too many codes were asked for.")),
        },
    )
    def post(self, request: Request) -> Response:
        data: Any = request.data if isinstance(request.data, dict) else {}
        uscc, email = str(data.get("uscc") or ""), str(data.get("email") or "")
        if not uscc and not email:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Give the enterprise's uscc or your e-mail.")]}
            )
        try:
            challenge = services.access_code_request(
                uscc=uscc, email="" if uscc else email, client=client_ip(request)
            )
        except (ValidationError, DomainError) as error:
            raise _errors(error) from None
        return Response(
            {
                "challenge": services.challenge_handle(challenge),
                "scope": challenge.scope,
                "sent_to": services.mask_email(challenge.email),
                "expires_at": challenge.expires_at.isoformat(),
            },
            status=status.HTTP_202_ACCEPTED,
        )


class AccessVerifyView(APIView):
    """Verify ``{"challenge": …, "code": …}``: the answer's ``token`` goes in the
    ``X-Verified-Access`` header of filing and reading requests until ``expires_at``."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=dict,
        responses={
            200: dict,
            400: OpenApiResponse(ErrorSerializer, description=_("The code is wrong or expired.")),
        },
    )
    def post(self, request: Request) -> Response:
        data: Any = request.data if isinstance(request.data, dict) else {}
        challenge = services.challenge_from_handle(str(data.get("challenge") or ""))
        if challenge is None:
            raise exceptions.ValidationError(
                {"challenge": [_("Unknown or expired challenge: ask for a new code.")]}
            )
        try:
            access, token = services.access_code_verify(
                challenge_id=challenge, code=str(data.get("code") or "")
            )
        except ValidationError as error:
            raise _errors(error) from None
        subject = verified_subject(access)
        return Response(
            {
                "token": token,
                "header": services.TOKEN_HEADER,
                "scope": access.scope,
                "uscc": subject.uscc if subject is not None else None,
                "expires_at": access.expires_at.isoformat() if access.expires_at else None,
            }
        )


class VerifiedCasesView(APIView):
    """The cases the verified access may read (an enterprise: all its cases)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: dict,
            401: OpenApiResponse(ErrorSerializer, description=_("No verified access.")),
        }
    )
    def get(self, request: Request) -> Response:
        access = api_access(request)
        if access is None:
            raise access_refusal(services.VerificationRequired())
        return Response(
            {
                "results": [
                    {
                        "reference": case.reference,
                        "kind": case.kind,
                        "state": case.state,
                        "received_on": case.received_on.isoformat(),
                        "subject": case.subject.uscc,
                    }
                    for case in services.cases_of(access)[:500]
                ]
            }
        )
