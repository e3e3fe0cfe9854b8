from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = _("Objection and credit repair")

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
