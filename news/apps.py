from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender: Any, **kwargs: Any) -> None:
    # Permissions of an app are created by its own post_migrate signal: the roles that
    # grant news permissions are refreshed once this app's exist (core/roles.py).
    from core.roles import ensure_roles

    ensure_roles()


class NewsConfig(AppConfig):
    """信用动态: credit news written by the credit centre's officials in the admin and shown
    on the public site (docs/architecture.md)."""

    name = "news"
    verbose_name = _("Credit news")

    def ready(self) -> None:
        post_migrate.connect(_ensure_roles, sender=self)
