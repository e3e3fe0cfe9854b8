"""Issue an API token for a source department: ``manage.py issue_token zj-amr --label "ERP"``.

Only the key goes to stdout, so ``KEY=$(manage.py issue_token zj-amr)`` captures it;
the reminder that it is shown once goes to stderr.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.models import Department, DepartmentToken
from core.tokens import token_issue

# Enough to spot a typo without flooding the terminal.
MAX_CODES_LISTED = 40


class Command(BaseCommand):
    help = "Issue an API token for a source department and print its key (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("department", help="Code of the source department, e.g. zj-amr.")
        parser.add_argument("--label", default="", help="What the token is for, e.g. “ERP export”.")

    def handle(self, *args: Any, department: str, label: str, **options: Any) -> None:
        found = Department.objects.filter(code=department).first()
        if found is None:
            raise CommandError(self._unknown(department))
        label = label.strip()
        max_length = DepartmentToken._meta.get_field("label").max_length or 0
        if len(label) > max_length:
            raise CommandError(
                _("The label may have at most %(n)d characters.") % {"n": max_length}
            )
        token, key = token_issue(department=found, label=label)
        self.stdout.write(key)
        self.stderr.write(
            _(
                "Token %(prefix)s… issued for %(department)s. The key above is shown only "
                "once and cannot be recovered: store it now."
            )
            % {"prefix": token.prefix, "department": found.code},
            style_func=self.style.WARNING,
        )

    @staticmethod
    def _unknown(code: str) -> str:
        codes = list(Department.objects.order_by("code").values_list("code", flat=True))
        listed = ", ".join(codes[:MAX_CODES_LISTED])
        if len(codes) > MAX_CODES_LISTED:
            listed += _(" … and %(n)d more") % {"n": len(codes) - MAX_CODES_LISTED}
        if not codes:
            listed = _("none (load the reference data with manage.py migrate)")
        return _("No source department has the code “%(code)s”. Valid codes: %(codes)s.") % {
            "code": code,
            "codes": listed,
        }
