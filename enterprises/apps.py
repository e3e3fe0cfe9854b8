from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):  # type: ignore[no-untyped-def]
    from core.roles import ensure_roles

    ensure_roles()


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Credit subjects and records")

    def ready(self) -> None:
        # Sent for this app so that the permissions of its models (the shared core's among
        # them: their app label is "enterprises") exist when the roles are written.
        post_migrate.connect(_ensure_roles, sender=self)
        # The publicity rules count a subject's earlier serious penalties in our records.
        from rules.publicity import register_serious_penalty_counter

        from .publicity import serious_penalties_in_window

        register_serious_penalty_counter(serious_penalties_in_window)

        # The audit trail keeps natural persons' identity numbers masked, as officials
        # other than administrators see them (rules.md §11.1).
        from core.audit import register_audit_mask

        from .models.core import Subject, mask_id_number

        register_audit_mask(Subject._meta.label_lower, "id_number", mask_id_number)

        # The services queue these tasks without importing the task module.
        from . import tasks
        from .dispatch import register_task

        register_task("rescore_subject", tasks.rescore_subject_task)
        register_task("rescore_chunk", tasks.rescore_chunk_task)
