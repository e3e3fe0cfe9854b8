from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared plumbing below every domain app: departments, officials, tokens, the audit
    chain, job runs, idempotency keys and the API error format (docs/architecture.md)."""

    name = "core"
    verbose_name = _("Shared core")

    def ready(self) -> None:
        # The search needs a UTF-8 ctype on PostgreSQL: refused at the first connection,
        # reported by `manage.py check --database default` (importing registers the check).
        from django.db.backends.signals import connection_created

        from . import dbchecks

        connection_created.connect(dbchecks.on_connection_created, dispatch_uid="core.dbchecks")
