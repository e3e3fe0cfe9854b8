"""The admin's bulk import: a file form and an "Import" page with a CSV template on a
change list (the work is done by ``enterprises.imports``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import Department
from enterprises import imports

# --- Bulk import -------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most %(limit)d MB. The first row "
            "holds the column titles."
        ) % {"limit": imports.IMPORT_MAX_BYTES // 1_048_576}
        if departments is not None:
            self.fields["department"] = forms.ModelChoiceField(
                queryset=departments,
                required=False,
                label=_("Source department"),
                help_text=_(
                    "For rows without a department column. Leave empty to give the "
                    "department per row."
                ),
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > imports.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; at most %(limit)s MB can be uploaded."),
                params={
                    "size": f"{upload.size / 1_048_576:.1f}",
                    "limit": imports.IMPORT_MAX_BYTES // 1_048_576,
                },
            )
        return upload


# The mixin goes before ``admin.ModelAdmin`` in an admin's bases and calls on it; mypy
# is told so, the running code stays a plain mixin.
if TYPE_CHECKING:
    _Base = admin.ModelAdmin[Any]
else:
    _Base = object


class ImportAdminMixin(_Base):
    """Adds "Import" (a file form, all or nothing) and a CSV template to a change list.

    Permission: the add permission on the model, as for entering one row by hand.
    """

    change_list_template = "admin/enterprises/change_list_import.html"
    import_spec: Any = None
    import_label: Any = _("Import")

    def run_import(self, request: HttpRequest, upload: Any, cleaned: dict[str, Any]) -> Any:
        raise NotImplementedError

    def import_departments(self, request: HttpRequest) -> QuerySet[Department] | None:
        return None

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/template.csv",
                wrap(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        if self.has_add_permission(request):
            extra_context["import_url"] = self._url("import")
            extra_context["import_label"] = self.import_label
        return super().changelist_view(request, extra_context)

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        chinese = request.GET.get("titles") == "zh"
        response = HttpResponse(
            imports.template_csv(self.import_spec, chinese=chinese),
            content_type="text/csv; charset=utf-8",
        )
        name = f"{self.opts.model_name}-import{'-zh' if chinese else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        departments = self.import_departments(request)
        result = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES, departments=departments)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                result = self.run_import(request, upload, form.cleaned_data)
                if result.ok:
                    self.message_user(
                        request,
                        gettext(
                            "Imported %(rows)d rows from %(file)s: %(created)d created, "
                            "%(updated)d updated."
                        )
                        % {
                            "rows": result.rows,
                            "file": upload.name,
                            "created": result.created,
                            "updated": result.updated,
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._url("changelist"))
        else:
            form = ImportForm(departments=departments)
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": self.import_label,
            "opts": opts,
            "form": form,
            "result": result,
            "columns": imports.column_help(self.import_spec),
            "template_url": self._url("import_template"),
            "changelist_url": self._url("changelist"),
            "max_rows": settings.IMPORT_MAX_ROWS,
        }
        return TemplateResponse(request, "admin/enterprises/import.html", context)
