from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    """The rules below the domain apps: record kinds, jurisdictions, dated rule editions,
    publicity periods and the working-day calendar (docs/rules.md)."""

    name = "rules"
    verbose_name = _("Rules")

    def ready(self) -> None:
        from . import workdays
        from .models import CalendarDay, CalendarYear

        # An official's edit of the calendar takes effect for the next deadline.
        for model in (CalendarDay, CalendarYear):
            post_save.connect(
                workdays.clear_cache, sender=model, dispatch_uid=f"wd-{model.__name__}"
            )
            post_delete.connect(
                workdays.clear_cache, sender=model, dispatch_uid=f"wd-del-{model.__name__}"
            )
        # A year marked entered recomputes the stored provisional deadlines (rules.md §13).
        post_save.connect(
            workdays.year_entered_changed, sender=CalendarYear, dispatch_uid="wd-year-entered"
        )
