"""Writes with rules of the repair app: the nightly expiry of publicity (rules.md §6.4), and
the objection and credit-repair workflows (rules.md §7, §8; see the section below).

``records_expire`` ends the publicity of credit records whose end date has passed and
removes list entries whose term is over (or whose removal after fulfilment is due),
through the audited services; nothing is deleted. It leaves a job-run row with counts.

The package, one module per job: ``expiry`` (the nightly expiry), ``intake`` (objections
and repair applications received), ``repairs`` (the repair workflow), ``objections``
(deciding objections), ``reminders`` (the daily deadline reminder), ``uploads`` (attached
files), ``access`` (verified access: one-time codes, who may file and read a case) and
``common`` (deadlines, access codes, transitions, shared checks). Callers
import from the package.
"""

from __future__ import annotations

# Re-exported so that it can be replaced here: the workflows look it up on the package.
from core.audit import audit_change as audit_change

from .access import (
    CODE_MINUTES,
    TOKEN_HEADER,
    VERIFIED_MINUTES,
    AccessRefused,
    VerificationRequired,
    VerifiedAccess,
    access_code_request,
    access_code_verify,
    access_from_token,
    case_readable,
    cases_of,
    challenge_from_handle,
    challenge_handle,
    filing_check,
    filing_extra,
    mask_email,
)
from .common import (
    CARRY_OUT_DAYS,
    COMPLETENESS_DAYS,
    DECISION_DAYS,
    GREEN_CARRY_OUT_DAYS,
    GREEN_COMPLETENESS_DAYS,
    GREEN_DECISION_DAYS,
    OBJECTION_DAYS,
    OBJECTION_MAX_DAYS,
    PUBLICATION_DAYS,
    REMIND_WITHIN_DAYS,
    REPAIR_BAN_YEARS,
    CaseNotAllowed,
    applicant_subject,
    case_for_tracking,
)
from .expiry import JOB_NAME, ExpiryResult, records_expire
from .intake import objection_submit, repair_application_submit
from .objections import objection_decide, objection_extend
from .reminders import OPEN_DONE, REMINDER_JOB, case_deadlines_remind
from .repairs import (
    repair_accept,
    repair_carry_out,
    repair_close,
    repair_decide,
    repair_false_commitment,
    repair_mark_incomplete,
    repair_resubmit,
)
from .uploads import (
    AttachmentDownload,
    attachment_download_names,
    attachment_for_download,
    attachment_path,
    upload_check,
)

__all__ = [
    "CARRY_OUT_DAYS",
    "CODE_MINUTES",
    "COMPLETENESS_DAYS",
    "DECISION_DAYS",
    "GREEN_CARRY_OUT_DAYS",
    "GREEN_COMPLETENESS_DAYS",
    "GREEN_DECISION_DAYS",
    "JOB_NAME",
    "OBJECTION_DAYS",
    "OBJECTION_MAX_DAYS",
    "OPEN_DONE",
    "PUBLICATION_DAYS",
    "REMINDER_JOB",
    "REMIND_WITHIN_DAYS",
    "REPAIR_BAN_YEARS",
    "TOKEN_HEADER",
    "VERIFIED_MINUTES",
    "AccessRefused",
    "AttachmentDownload",
    "CaseNotAllowed",
    "ExpiryResult",
    "VerificationRequired",
    "VerifiedAccess",
    "access_code_request",
    "access_code_verify",
    "access_from_token",
    "applicant_subject",
    "attachment_download_names",
    "attachment_for_download",
    "attachment_path",
    "audit_change",
    "case_deadlines_remind",
    "case_for_tracking",
    "case_readable",
    "cases_of",
    "challenge_from_handle",
    "challenge_handle",
    "filing_check",
    "filing_extra",
    "mask_email",
    "objection_decide",
    "objection_extend",
    "objection_submit",
    "records_expire",
    "repair_accept",
    "repair_application_submit",
    "repair_carry_out",
    "repair_close",
    "repair_decide",
    "repair_false_commitment",
    "repair_mark_incomplete",
    "repair_resubmit",
    "upload_check",
]
