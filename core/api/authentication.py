"""Source departments authenticate with their API token.

``Authorization: Bearer <key>`` (RFC 6750) or ``Authorization: Token <key>`` (the
form DRF's own token scheme uses, which many clients already send). A request
without a token is anonymous; a token that is unknown or revoked is refused with
401 and a ``WWW-Authenticate`` header, never silently treated as anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from core.actors import Actor
from core.models import Department, DepartmentToken
from core.tokens import token_authenticate

KEYWORDS = (b"bearer", b"token")
REALM = "CreditSite API"


@dataclass(frozen=True)
class DepartmentPrincipal:
    """``request.user`` for a token: the department acting, not a person.

    Enough of the user interface for DRF and for code that asks
    ``is_authenticated``; services receive ``Actor.for_token(request.auth)``.
    """

    token: DepartmentToken

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    @property
    def department(self) -> Department:
        return self.token.department

    def get_username(self) -> str:
        return Actor.for_token(self.token).label

    def __str__(self) -> str:
        return self.get_username()


class DepartmentTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[DepartmentPrincipal, DepartmentToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # no token, or a scheme for someone else
        if len(parts) != 2:
            self._refuse(request, _("Malformed Authorization header: send “Bearer <key>”."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            self._refuse(request, _("Invalid or revoked token."))
        token = token_authenticate(key)
        if token is None:
            self._refuse(request, _("Invalid or revoked token."))
        return DepartmentPrincipal(token), token

    @staticmethod
    def _refuse(request: Request, message: Any) -> NoReturn:
        # RFC 6750 §3: say in WWW-Authenticate that the token itself was the problem.
        # DRF asks a fresh authenticator instance for the header, so the request carries it.
        request._department_token_error = True  # type: ignore[attr-defined]
        raise exceptions.AuthenticationFailed(message, code="invalid_token")

    def authenticate_header(self, request: Request) -> str:
        if getattr(request, "_department_token_error", False):
            return f'Bearer realm="{REALM}", error="invalid_token"'
        return f'Bearer realm="{REALM}"'


class DepartmentTokenScheme(OpenApiAuthenticationExtension):
    """Documents the scheme in /api/schema/ (imported with this module, so registered)."""

    target_class = DepartmentTokenAuthentication
    name = "departmentToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "A source department's API token, issued by the credit centre with "
                    "`manage.py issue_token <department-code>`. Send `Authorization: Bearer "
                    "<key>` (`Authorization: Token <key>` is accepted too)."
                )
            ),
        }
