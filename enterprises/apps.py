from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):  # type: ignore[no-untyped-def]
    from .roles import ensure_roles

    ensure_roles()


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Credit subjects and records")

    def ready(self) -> None:
        post_migrate.connect(_ensure_roles, sender=self)
        # The search needs a UTF-8 ctype on PostgreSQL: refused at the first connection,
        # reported by `manage.py check --database default` (importing registers the check).
        from django.db.backends.signals import connection_created

        from creditsite import dbchecks

        connection_created.connect(
            dbchecks.on_connection_created, dispatch_uid="creditsite.dbchecks"
        )
