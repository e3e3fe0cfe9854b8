"""Verified access to objections and repair applications (docs/rules.md §8.8).

An enterprise proves that it controls a subject with a one-time code sent to the contact
e-mail registered for it by the officials; a stakeholder proves an e-mail address of its
own the same way. The code is valid for ``CODE_MINUTES``, allows ``MAX_ATTEMPTS`` wrong
tries, and is stored only as an HMAC. Codes are limited per client address, per subject and
per e-mail in a rolling hour, counted on the stored rows (exact, shared by every process).
A verified code gives a signed token valid for ``VERIFIED_MINUTES``: the pages keep it in
the session, API clients send it in the ``X-Verified-Access`` header.

What each access may do is decided here once (``filing_check``, ``case_readable``,
``cases_of``); the pages and the API only ask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import Actor
from core.audit import audit_append, audit_change, snapshot
from core.exceptions import DomainError
from core.site import site_name
from enterprises.models import Subject
from enterprises.queries import public_subject_by_code

from ..models import AccessChallenge, Case, CaseKind, CaseState, Grounds, SubjectContact

log = logging.getLogger("repair.services")

CODE_MINUTES = 15
VERIFIED_MINUTES = 120
MAX_ATTEMPTS = 5
# Codes sent within an hour: per client address, per subject, per stakeholder e-mail.
CODES_PER_CLIENT = 10
CODES_PER_SUBJECT = 5
CODES_PER_EMAIL = 5
TOKEN_SALT = "repair.verified-access"  # noqa: S105 (a signing salt, not a secret)
TOKEN_HEADER = "X-Verified-Access"  # noqa: S105 (a header name)

ENTERPRISE = AccessChallenge.Scope.ENTERPRISE
EMAIL = AccessChallenge.Scope.EMAIL
OFFICIAL = "official"


class AccessRefused(DomainError):
    """The request lacks the access it needs; ``code`` names why (API error code)."""

    status_code = 403
    code = "access_refused"
    default_message = gettext_lazy("This access does not allow it.")


class VerificationRequired(AccessRefused):
    status_code = 401
    code = "verification_required"
    default_message = gettext_lazy(
        "Verify first: an enterprise files and reads its cases after entering a one-time "
        "code sent to the contact e-mail registered for it; a third party objecting to a "
        "published repair verifies its own e-mail."
    )


class NotVerifiedForSubject(AccessRefused):
    code = "not_verified_for_subject"
    default_message = gettext_lazy(
        "Your verified access is for another subject: verify for this one first."
    )


class StakeholderObjectionOnly(AccessRefused):
    code = "stakeholder_objection_only"
    default_message = gettext_lazy(
        "A verified e-mail of a third party may only object to a repair during its 5 "
        "working days of publication: give the repair's reference."
    )


class TooManyCodes(DomainError):
    status_code = 429
    code = "too_many_codes"
    default_message = gettext_lazy("Too many codes were asked for: try again in an hour.")


class NoRegisteredContact(DomainError):
    code = "no_registered_contact"
    default_message = gettext_lazy(
        "No contact e-mail is registered for this subject. Ask the credit centre to register "
        "one, or file at its counter: officials may file on an enterprise's behalf."
    )


@dataclass(frozen=True)
class VerifiedAccess:
    """Who the request speaks for: a verified enterprise (``subject_id``), a verified
    stakeholder e-mail, or an official filing at the counter (``actor``)."""

    scope: str
    email: str = ""
    subject_id: int | None = None
    expires_at: dt.datetime | None = None
    actor: Actor | None = None

    @classmethod
    def official(cls, actor: Actor) -> VerifiedAccess:
        return cls(scope=OFFICIAL, actor=actor)

    @property
    def is_enterprise(self) -> bool:
        return self.scope == ENTERPRISE

    @property
    def is_official(self) -> bool:
        return self.scope == OFFICIAL


def subject_contact_save(*, actor: Actor, contact: SubjectContact, reason: str) -> SubjectContact:
    """Register or change a subject's contact e-mail (officials, after checking the
    enterprise's documents; docs/rules.md §8.8), audited with what it was."""
    before = snapshot(SubjectContact.objects.get(pk=contact.pk)) if contact.pk is not None else None
    with transaction.atomic():
        contact.save()
        audit_change(actor=actor, instance=contact, before=before, reason=reason)
    return contact


def mask_email(email: str) -> str:
    """``zhang.san@example.com`` → ``z***@e***.com``: enough to recognise one's mailbox."""
    local, _at, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***{dot}{tld}" if host else f"{local[:1]}***@{domain}"


def _code_hash(challenge_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"access:{challenge_id}:{code.strip()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _limit(now: dt.datetime, **filters: Any) -> int:
    since = now - dt.timedelta(hours=1)
    return AccessChallenge.objects.filter(created_at__gt=since, **filters).count()


def access_code_request(
    *, uscc: str = "", email: str = "", client: str, now: dt.datetime | None = None
) -> AccessChallenge:
    """Send a one-time code: with ``uscc`` to the contact e-mail registered for that
    subject (enterprise access), else to ``email`` (a stakeholder's own). Refused, before
    anything is sent, past the hourly limits per client address, subject and e-mail."""
    now = now or timezone.now()
    subject = None
    if uscc.strip():
        subject = public_subject_by_code(uscc)
        if subject is None:
            raise ValidationError({"uscc": _("No credit subject has this code.")})
        contact = SubjectContact.objects.filter(subject=subject).first()
        if contact is None:
            raise NoRegisteredContact(field="uscc")
        address, scope = contact.email, ENTERPRISE
    else:
        address = email.strip().lower()
        if not address:
            raise ValidationError({"email": _("Give your e-mail address.")})
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
        scope = EMAIL
    if _limit(now, client=client) >= CODES_PER_CLIENT:
        raise TooManyCodes(
            _("Too many codes were asked for from your address: try again in an hour."),
            field="uscc" if subject is not None else "email",
        )
    if subject is not None and _limit(now, subject=subject) >= CODES_PER_SUBJECT:
        raise TooManyCodes(
            _("Too many codes were sent for this subject: try again in an hour."), field="uscc"
        )
    if subject is None and _limit(now, email=address, scope=EMAIL) >= CODES_PER_EMAIL:
        raise TooManyCodes(
            _("Too many codes were sent to this e-mail: try again in an hour."), field="email"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        challenge = AccessChallenge.objects.create(
            scope=scope,
            subject=subject,
            email=address,
            code_hash="-",
            client=client[:64],
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        )
        challenge.code_hash = _code_hash(challenge.pk, code)
        challenge.save(update_fields=["code_hash"])
        audit_append(
            actor=Actor.for_system("verified-access"),
            action="create",
            object_type="repair.accesschallenge",
            object_id=challenge.pk,
            after={
                "scope": scope,
                "subject": subject.pk if subject else None,
                "sent_to": mask_email(address),
                "client": challenge.client,
            },
            reason=str(_("One-time code sent.")),
        )
        transaction.on_commit(lambda: _send_code(challenge, code), robust=True)
    log.info("access.code_sent challenge=%s scope=%s", challenge.pk, scope)
    return challenge


def _send_code(challenge: AccessChallenge, code: str) -> None:
    send_mail(
        subject=_("[%(site)s] Your one-time code: %(code)s") % {"site": site_name(), "code": code},
        message=_(
            "Your one-time code is %(code)s. It is valid for %(minutes)d minutes.\n"
            "If you did not ask for it, ignore this e-mail: nothing happens without the code."
        )
        % {"code": code, "minutes": CODE_MINUTES},
        from_email=None,
        recipient_list=[challenge.email],
        fail_silently=True,
    )


def access_code_verify(
    *, challenge_id: int, code: str, now: dt.datetime | None = None
) -> tuple[VerifiedAccess, str]:
    """Check a one-time code: right, unused, not expired and fewer than ``MAX_ATTEMPTS``
    wrong tries. Returns the access and its signed token (valid ``VERIFIED_MINUTES``)."""
    now = now or timezone.now()
    wrong = ValidationError({"code": _("The code is wrong or no longer valid: ask for a new one.")})
    # The wrong try is counted in its own transaction, committed before the refusal.
    with transaction.atomic():
        challenge = AccessChallenge.objects.select_for_update().filter(pk=challenge_id).first()
        if (
            challenge is None
            or challenge.verified_at is not None
            or challenge.expires_at <= now
            or challenge.attempts >= MAX_ATTEMPTS
        ):
            raise wrong
        if not hmac.compare_digest(challenge.code_hash, _code_hash(challenge.pk, code or "")):
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
            if challenge.attempts >= MAX_ATTEMPTS:
                audit_append(
                    actor=Actor.for_system("verified-access"),
                    action="state",
                    object_type="repair.accesschallenge",
                    object_id=challenge.pk,
                    after={"attempts": challenge.attempts},
                    reason=str(_("One-time code blocked after too many wrong attempts.")),
                )
            log.info("access.code_wrong challenge=%s", challenge.pk)
            wrong_now = wrong
        else:
            wrong_now = None
            challenge.verified_at = now
            challenge.save(update_fields=["verified_at"])
            audit_append(
                actor=Actor.for_system("verified-access"),
                action="state",
                object_type="repair.accesschallenge",
                object_id=challenge.pk,
                after={"verified_at": now.isoformat()},
                reason=str(_("One-time code verified.")),
            )
    if wrong_now is not None:
        raise wrong_now
    access = VerifiedAccess(
        scope=challenge.scope,
        email=challenge.email,
        subject_id=challenge.subject_id,
        expires_at=now + dt.timedelta(minutes=VERIFIED_MINUTES),
    )
    token = signing.dumps(
        {"k": challenge.scope, "s": challenge.subject_id, "e": challenge.email},
        salt=TOKEN_SALT,
    )
    log.info("access.verified challenge=%s scope=%s", challenge.pk, challenge.scope)
    return access, token


def challenge_handle(challenge: AccessChallenge) -> str:
    """An opaque, signed name of a challenge for API clients: nobody can try codes on a
    challenge another client asked for by counting ids."""
    return signing.dumps(challenge.pk, salt=TOKEN_SALT + ".challenge")


def challenge_from_handle(handle: str) -> int | None:
    try:
        value = signing.loads(handle, salt=TOKEN_SALT + ".challenge", max_age=CODE_MINUTES * 60)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return value if isinstance(value, int) else None


def access_from_token(token: str | None) -> VerifiedAccess | None:
    """The access a signed token gives, or None when it is missing, altered or older than
    ``VERIFIED_MINUTES``."""
    if not token:
        return None
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        data = signer.unsign_object(token, max_age=VERIFIED_MINUTES * 60)
        stamped = signing.Signer(salt=TOKEN_SALT).unsign(token)
        signed_at = signing.b62_decode(stamped.rsplit(signer.sep, 1)[1])
    except (signing.BadSignature, TypeError, ValueError, IndexError):
        return None
    if not isinstance(data, dict) or data.get("k") not in (ENTERPRISE, EMAIL):
        return None
    return VerifiedAccess(
        scope=data["k"],
        email=str(data.get("e") or ""),
        subject_id=data.get("s"),
        expires_at=dt.datetime.fromtimestamp(signed_at, tz=dt.UTC)
        + dt.timedelta(minutes=VERIFIED_MINUTES),
    )


# --- What an access may do ------------------------------------------------------------------


def filing_check(
    access: VerifiedAccess | None,
    *,
    kind: str,
    subject: Subject | None = None,
    objected_case: Case | None = None,
) -> None:
    """May ``access`` file this case? An official at the counter files anything; a
    verified enterprise files objections and repair applications for its own subject
    (and objects to its own refused repair); anyone verified — a stakeholder's e-mail or
    an enterprise — objects to a repair in its publication. Raises ``AccessRefused``."""
    if access is None:
        raise VerificationRequired()
    if access.is_official:
        return
    if kind == CaseKind.OBJECTION and objected_case is not None:
        if objected_case.state != CaseState.REFUSED:
            return  # a published repair: anyone verified (the service checks the period)
        subject = objected_case.subject
    elif not access.is_enterprise:
        raise StakeholderObjectionOnly(field="repair_reference")
    if subject is None or access.subject_id != subject.pk:
        raise NotVerifiedForSubject(field="uscc")


def filing_extra(access: VerifiedAccess, objected_case: Case | None) -> dict[str, Any]:
    """What the submitting service is told of the access: the official filing at the
    counter (its actor); that the verified enterprise (or the official) speaks for the
    applicant of its own refused repair, so no access code is needed (docs/rules.md §7)."""
    extra: dict[str, Any] = {}
    if access.is_official:
        extra["actor"] = access.actor
    if objected_case is not None and (
        access.is_official
        or (access.is_enterprise and access.subject_id == objected_case.subject_id)
    ):
        extra["applicant_verified"] = True
    return extra


def case_readable(access: VerifiedAccess | None, case: Case) -> bool:
    """A verified enterprise reads its subject's cases (not third parties' objections to
    its repairs); a verified stakeholder reads the objections it filed with that e-mail."""
    if access is None:
        return False
    if access.is_enterprise:
        return case.subject_id == access.subject_id and case.grounds != Grounds.REPAIR_WRONG
    if access.scope == EMAIL:
        return (
            case.kind == CaseKind.OBJECTION
            and case.grounds == Grounds.REPAIR_WRONG
            and case.contact_email.lower() == access.email.lower()
        )
    return False


def cases_of(access: VerifiedAccess | None) -> QuerySet[Case]:
    """Every case ``access`` may read, newest first."""
    cases = Case.objects.select_related("subject", "department").order_by("-received_on", "-id")
    if access is None or access.is_official:
        return cases.none()
    if access.is_enterprise:
        return cases.filter(subject_id=access.subject_id or 0).exclude(grounds=Grounds.REPAIR_WRONG)
    return cases.filter(
        Q(kind=CaseKind.OBJECTION, grounds=Grounds.REPAIR_WRONG)
        & Q(contact_email__iexact=access.email)
    )
