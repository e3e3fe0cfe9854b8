from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public site's pages and reads that combine several apps: the credit file, the
    home page, the PDF report (docs/architecture.md)."""

    name = "portal"
    verbose_name = _("Public site")
