"""Verified access for tests (docs/rules.md §8.8): a signed token as the one-time code
would give, in a page session or an API header."""

from __future__ import annotations

from django.core import signing

from repair.services.access import TOKEN_SALT


def token_for(subject=None, *, email: str = "contact@example.com") -> str:
    """An enterprise's token for ``subject``, else a stakeholder's for ``email``."""
    if subject is not None:
        return signing.dumps({"k": "enterprise", "s": subject.pk, "e": email}, salt=TOKEN_SALT)
    return signing.dumps({"k": "email", "s": None, "e": email}, salt=TOKEN_SALT)


def verify_client(client, subject=None, *, email: str = "contact@example.com") -> None:
    """The pages of ``client`` speak for ``subject`` (or a stakeholder's ``email``)."""
    session = client.session
    session["repair_verified"] = token_for(subject, email=email)
    session.save()


def api_headers(subject=None, *, email: str = "contact@example.com") -> dict[str, str]:
    return {"HTTP_X_VERIFIED_ACCESS": token_for(subject, email=email)}
