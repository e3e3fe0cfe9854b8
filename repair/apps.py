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

        # Repaired information stays on the public file as 已修复 while its repair is
        # published for objections (docs/rules.md §8.5).
        from lists.standing import register_repaired_source

        from .queries import repaired_in_publication

        register_repaired_source(repaired_in_publication)
