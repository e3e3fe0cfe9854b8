from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = _("Objection and credit repair")
