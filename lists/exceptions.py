"""Domain errors of the lists: views and the API turn them into a page or a 4xx body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class ListingNotAllowed(DomainError):
    default_message = _("This step of the listing procedure is not allowed now.")


class RepairNotEligible(DomainError):
    """Early removal by credit repair is refused (e.g. listed two or more times)."""

    default_message = _("Credit repair is not allowed for this entry.")
