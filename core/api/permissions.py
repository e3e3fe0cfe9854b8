"""Who may call the write endpoints: a source department with a live token."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from core.models import DepartmentToken


class HasDepartmentToken(BasePermission):
    """Writes need an authenticated department token; reads are public.

    Reads pass so that a path can serve the public search (GET) and department
    writes (POST) alike, and a GET where none exists answers 405, not 401.
    Without a token DRF answers 401 (the view's authenticator supplies the
    ``WWW-Authenticate`` header). Which department's data a token may write is
    decided by the services (``Actor.may_write``), not here.
    """

    message = _("This endpoint needs a source department's API token: “Bearer <key>”.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return isinstance(request.auth, DepartmentToken)
