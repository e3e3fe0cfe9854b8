from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and benchmark data: generators and ``seed_demo``, above every other app; no
    models, and nothing below imports it (docs/architecture.md)."""

    name = "demo"
    verbose_name = _("Demo data")
