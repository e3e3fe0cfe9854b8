"""Officials' roles as groups, with their model permissions.

Scoping to one department is enforced in querysets and services (``Actor``);
these permissions say what kind of thing each role may do at all.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

GROUP_DEPARTMENT_OFFICER = "department_officer"
GROUP_CREDIT_CENTRE_REVIEWER = "credit_centre_reviewer"
GROUP_ADMINISTRATOR = "administrator"

_OFFICER = {
    "enterprises": {
        "subject": ("view", "add", "change"),
        "formername": ("view", "add", "change"),
        "creditrecord": ("view", "add", "change"),
        "department": ("view",),
        "region": ("view",),
        "industry": ("view",),
        "jobrun": ("view",),
    },
}
_REVIEWER: dict[str, dict[str, tuple[str, ...]]] = {
    "enterprises": {
        "subject": ("view",),
        "formername": ("view",),
        "creditrecord": ("view", "change"),
        "department": ("view",),
        "region": ("view",),
        "industry": ("view",),
        "auditevent": ("view",),
        "jobrun": ("view",),
    },
    # The credit centre writes, publishes and withdraws the credit news (never deletes).
    "news": {"article": ("view", "add", "change")},
    # It registers the contact e-mails of verified access and sees the codes sent
    # (docs/rules.md §8.8).
    "repair": {"subjectcontact": ("view", "add", "change"), "accesschallenge": ("view",)},
}
ADMIN_APPS = ("enterprises", "lists", "repair", "supervision", "news", "django_celery_beat")


def _permissions(spec: dict[str, dict[str, tuple[str, ...]]]) -> list[Permission]:
    wanted = [
        (app, f"{action}_{model}")
        for app, models in spec.items()
        for model, actions in models.items()
        for action in actions
    ]
    perms = Permission.objects.filter(content_type__app_label__in=spec.keys()).select_related(
        "content_type"
    )
    return [p for p in perms if (p.content_type.app_label, p.codename) in wanted]


def ensure_roles() -> None:
    """Create or refresh the three role groups. Idempotent; runs after every migrate."""
    officer, _ = Group.objects.get_or_create(name=GROUP_DEPARTMENT_OFFICER)
    officer.permissions.set(_permissions(_OFFICER))
    reviewer, _ = Group.objects.get_or_create(name=GROUP_CREDIT_CENTRE_REVIEWER)
    reviewer.permissions.set(_permissions(_REVIEWER))
    administrator, _ = Group.objects.get_or_create(name=GROUP_ADMINISTRATOR)
    admin_perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).exclude(
        codename__startswith="delete_"
    ) | Permission.objects.filter(content_type__app_label="auth")
    administrator.permissions.set(admin_perms)
