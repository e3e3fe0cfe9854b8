"""The admin of the shared core: departments, officials, API tokens, the audit trail and
job runs (their app label stays ``enterprises``, so their pages stay under
/admin/enterprises/). Django's autodiscovery imports this package.

``core.admin.base`` holds the plumbing every app's admin uses (who is asking, the URL
filters a change list accepts, capped counts, no deletions); the domain apps' admins
import it from there.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model

from core.models import (
    AuditChainHead,
    AuditEvent,
    Department,
    DepartmentToken,
    JobRun,
    OfficialProfile,
)

from .audit import AuditChainHeadAdmin, AuditEventAdmin, JobRunAdmin, ObjectTypeFilter
from .base import (
    CappedCountPaginator,
    GuardedLookupsMixin,
    GuardedModelAdmin,
    NoDeleteMixin,
    ReadOnlyMixin,
    add_form_errors,
    is_administrator,
    is_unrestricted,
    may_see_department,
    own_department,
    register_secret_fields,
    request_actor,
    touches_secret_field,
)
from .officials import (
    DepartmentAdmin,
    DepartmentTokenAdmin,
    OfficialProfileAdmin,
    OfficialProfileInline,
    UserAdmin,
)

__all__ = [
    "AuditChainHeadAdmin",
    "AuditEventAdmin",
    "CappedCountPaginator",
    "DepartmentAdmin",
    "DepartmentTokenAdmin",
    "GuardedLookupsMixin",
    "GuardedModelAdmin",
    "JobRunAdmin",
    "NoDeleteMixin",
    "ObjectTypeFilter",
    "OfficialProfileAdmin",
    "OfficialProfileInline",
    "ReadOnlyMixin",
    "UserAdmin",
    "add_form_errors",
    "is_administrator",
    "is_unrestricted",
    "may_see_department",
    "own_department",
    "register_secret_fields",
    "request_actor",
    "touches_secret_field",
]

User = get_user_model()

admin.site.register(AuditEvent, AuditEventAdmin)
admin.site.register(JobRun, JobRunAdmin)
admin.site.register(Department, DepartmentAdmin)
admin.site.register(OfficialProfile, OfficialProfileAdmin)
admin.site.register(DepartmentToken, DepartmentTokenAdmin)
admin.site.register(AuditChainHead, AuditChainHeadAdmin)
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)
