"""Models of credit subjects and their credit information.

core: subjects, departments, credit records, officials, tokens, audit trail, job runs.
evaluation: the indicator catalogue and public credit evaluations (evaluation issue).
public: what the public site adds (policies, credit commitments, issued reports).
idempotency: accepted Idempotency-Key headers of the write API and their responses.
"""

from .core import (
    PERMANENT_PENALTIES,
    AuditChainHead,
    AuditEvent,
    CreditRecord,
    CreditRecordQuerySet,
    Department,
    DepartmentToken,
    Disclosure,
    FormerName,
    Industry,
    JobRun,
    OfficialProfile,
    PenaltyType,
    RecordState,
    Region,
    Severity,
    Subject,
    SubjectQuerySet,
    TaxCreditLevel,
)
from .evaluation import *  # noqa: F403
from .idempotency import IdempotencyKey
from .public import *  # noqa: F403

__all__ = [
    "PERMANENT_PENALTIES",
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
    "RecordState",
    "Region",
    "Severity",
    "Subject",
    "SubjectQuerySet",
    "TaxCreditLevel",
]
