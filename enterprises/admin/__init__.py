"""The officials' admin (Chinese and English) for credit subjects and records.

Roles (core/roles.py): a department officer sees and writes only their own
department's records; credit-centre reviewers, administrators and superusers see
everything. Every write goes through ``enterprises.services`` with the request's
:class:`Actor`, so the admin, bulk import and the department API share one set of
rules and one audit trail. Nothing is deleted here: records change state instead.

The subject and record tables hold millions of rows, so: no full ``<select>`` of
subjects (raw-id widget), joined list queries, no full ``count(*)`` (a capped count
shows "10,000+"), and searches that an index can serve.

The pages of the shared core's models (departments, officials, tokens, the audit trail,
job runs) are in ``core.admin``, with the plumbing every admin uses; this package holds
the domain's: ``records``, ``subjects`` (and their reference data), ``evaluation``, and
``bulk_import`` (the "Import" page of the first two).
"""

from __future__ import annotations

from django.contrib import admin

from core.admin import (
    AuditChainHeadAdmin,
    AuditEventAdmin,
    DepartmentAdmin,
    DepartmentTokenAdmin,
    JobRunAdmin,
    ObjectTypeFilter,
    OfficialProfileAdmin,
    OfficialProfileInline,
    UserAdmin,
)
from core.admin.base import (
    CappedCountPaginator,
    NoDeleteMixin,
    ReadOnlyMixin,
    add_form_errors,
    is_administrator,
    is_unrestricted,
    may_see_department,
    own_department,
    request_actor,
)
from enterprises.models import (
    CreditRecord,
    Edition,
    Evaluation,
    Indicator,
    Industry,
    Region,
    ScoreHistory,
    Subject,
)

from .bulk_import import ImportAdminMixin, ImportForm
from .evaluation import (
    EditionAdmin,
    EvaluationAdmin,
    IndicatorAdmin,
    IndicatorInline,
    IndicatorRuleInline,
    ScoreHistoryAdmin,
)
from .records import SEARCH_MATCH_LIMIT, CreditRecordAdmin, CreditRecordForm, RecordStateForm
from .subjects import FormerNameInline, IndustryAdmin, RegionAdmin, SubjectAdmin, SubjectForm

__all__ = [
    "SEARCH_MATCH_LIMIT",
    "AuditChainHeadAdmin",
    "AuditEventAdmin",
    "CappedCountPaginator",
    "CreditRecordAdmin",
    "CreditRecordForm",
    "DepartmentAdmin",
    "DepartmentTokenAdmin",
    "EditionAdmin",
    "EvaluationAdmin",
    "FormerNameInline",
    "ImportAdminMixin",
    "ImportForm",
    "IndicatorAdmin",
    "IndicatorInline",
    "IndicatorRuleInline",
    "IndustryAdmin",
    "JobRunAdmin",
    "NoDeleteMixin",
    "ObjectTypeFilter",
    "OfficialProfileAdmin",
    "OfficialProfileInline",
    "ReadOnlyMixin",
    "RecordStateForm",
    "RegionAdmin",
    "ScoreHistoryAdmin",
    "SubjectAdmin",
    "SubjectForm",
    "UserAdmin",
    "add_form_errors",
    "is_administrator",
    "is_unrestricted",
    "may_see_department",
    "own_department",
    "request_actor",
]

admin.site.register(CreditRecord, CreditRecordAdmin)
admin.site.register(Subject, SubjectAdmin)
admin.site.register(Region, RegionAdmin)
admin.site.register(Industry, IndustryAdmin)
admin.site.register(Edition, EditionAdmin)
admin.site.register(Indicator, IndicatorAdmin)
admin.site.register(Evaluation, EvaluationAdmin)
admin.site.register(ScoreHistory, ScoreHistoryAdmin)
