"""Domain errors: views and the API turn them into a clear page or a 4xx JSON body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule refused the operation. ``field`` names the input at fault, if one is."""

    status_code = 400
    default_message = _("The operation is not allowed.")

    def __init__(self, message: object = None, *, field: str = "non_field_errors") -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))


class DepartmentNotAllowed(DomainError):
    status_code = 403
    default_message = _("You may only enter and correct information of your own department.")


class StateTransitionNotAllowed(DomainError):
    default_message = _("This change of state is not allowed.")


class RegistrationNotAllowed(DomainError):
    """Registration data changed by a department that is not its registering authority."""

    status_code = 403
    default_message = _("Only the registering authority may change registration data.")


class RevocationNotAllowed(DomainError):
    """A record revoked outside an objection decision by someone other than its department."""

    status_code = 403
    default_message = _("This record can only be revoked by an objection decision.")
