from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.site import site_name_lazy

from . import views
from .lockout import LockoutAdminAuthenticationForm

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Each app mounts its own part of the API and of the pages.
    path("api/v1/", include("lists.api.urls")),
    path("api/v1/", include("enterprises.api.urls")),
    path("api/v1/", include("portal.api.urls")),
    path("api/v1/", include("supervision.api.urls")),
    path("api/v1/", include("repair.api.urls")),
    path("", include("lists.urls")),
    path("", include("repair.urls")),
    path("", include("portal.urls")),
    path("", include("supervision.urls")),
    path("", include("news.urls")),
]

admin.site.site_header = format_lazy(_("{site} administration"), site=site_name_lazy())
admin.site.site_title = admin.site.site_header
admin.site.index_title = _("Credit information management")
admin.site.login_form = LockoutAdminAuthenticationForm

# JSON error bodies under /api/, the usual pages elsewhere (core/api/handlers.py).
handler400 = "core.api.handlers.bad_request"
handler404 = "core.api.handlers.page_not_found"
# A database outage that surfaces outside a view is a 503 too (creditsite/middleware.py).
handler500 = "creditsite.middleware.server_error"
