"""Models of credit subjects and their credit information.

core: subjects, departments, credit records, officials, tokens, audit trail, job runs.
evaluation: the indicator catalogue and public credit evaluations (evaluation issue).
public: what the public site adds (policies, credit commitments, issued reports).
removals: records that left the public file (the change feeds' tombstones).
The shared tables (departments, officials, tokens, audit trail, job runs, idempotency
keys) are defined in ``core.models`` and re-exported here.
"""

from core.models import (
    AuditChainHead,
    AuditEvent,
    Department,
    DepartmentToken,
    IdempotencyKey,
    JobRun,
    OfficialProfile,
)

from .core import (
    LIVE_STATES,
    PERMANENT_PENALTIES,
    SERIOUS_PENALTIES,
    CreditRecord,
    CreditRecordQuerySet,
    Disclosure,
    FormerName,
    Industry,
    PenaltyType,
    RecordEdition,
    RecordState,
    Region,
    Severity,
    Subject,
    SubjectQuerySet,
    TaxCreditLevel,
)
from .evaluation import *  # noqa: F403
from .public import *  # noqa: F403
from .removals import *  # noqa: F403

__all__ = [
    "LIVE_STATES",
    "PERMANENT_PENALTIES",
    "SERIOUS_PENALTIES",
    "AuditChainHead",
    "AuditEvent",
    "CreditRecord",
    "CreditRecordQuerySet",
    "Department",
    "DepartmentToken",
    "Disclosure",
    "FormerName",
    "IdempotencyKey",
    "Industry",
    "JobRun",
    "OfficialProfile",
    "PenaltyType",
    "RecordEdition",
    "RecordState",
    "Region",
    "Severity",
    "Subject",
    "SubjectQuerySet",
    "TaxCreditLevel",
]
