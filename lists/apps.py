from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = _("Red and black lists")

    def ready(self) -> None:
        # Scoring and the search (in the enterprises app, a lower layer) read list entries
        # in force and labels through this registration.
        from enterprises.extensions import register_list_queries

        from .models import Label
        from .queries import active_entries, subject_labels

        def labels(subject_ids):  # type: ignore[no-untyped-def]
            return {pk: Label(value) for pk, value in subject_labels(subject_ids).items()}

        register_list_queries(active_entries=active_entries, subject_labels=labels)

        # Stored provisional deadlines are recomputed when a year is entered (rules.md §13).
        from rules.workdays import register_provisional_recompute

        from .deadlines import list_deadlines_recompute

        register_provisional_recompute("lists", list_deadlines_recompute)
