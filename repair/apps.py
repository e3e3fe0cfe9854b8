from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = _("Objection and credit repair")

    def ready(self) -> None:
        # Stored provisional due dates of cases are recomputed when a year is entered
        # (docs/rules.md §13).
        from rules.workdays import register_provisional_recompute

        from .deadlines import case_deadlines_recompute

        register_provisional_recompute("repair", case_deadlines_recompute)
