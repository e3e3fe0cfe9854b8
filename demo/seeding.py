"""Writing the demo data: :func:`demo_seed` puts the subjects and records of
:func:`demo.subjects.generate` into an empty database in bulk, then the demo credit
commitments, list entries and inspections.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.audit import audit_append
from core.exceptions import DomainError
from enterprises.models import CreditRecord, Department, FormerName, JobRun, Subject
from enterprises.pinyin import search_keys

from .commitments import demo_commitments
from .contacts import demo_contacts
from .data.entries import NEGATIVE_ENTRIES, OTHER_ENTRIES, TRUST_ENTRIES
from .data.industries import INDUSTRIES
from .data.organisations import (
    PERSON_JUDGEMENT,
    SOCIAL_ABNORMAL,
    SOCIAL_HONOUR,
    SOCIAL_VOLUNTEERING,
)
from .data.penalties import PENALTIES
from .data.places import CITY_MARKET_REGULATORS
from .inspections import demo_inspections
from .lists import demo_lists
from .news import demo_news
from .rows import SubjectRows
from .subjects import generate, plan
from .training import demo_training

ST = Subject.SubjectType


class DemoDataRefused(DomainError):
    default_message = _("Demo data was not written.")


@dataclass
class SeedResult:
    enterprises: int = 0
    other_subjects: int = 0
    records: int = 0
    former_names: int = 0
    seconds: float = 0.0
    job_id: int | None = None

    @property
    def subjects(self) -> int:
        return self.enterprises + self.other_subjects

    def counts(self) -> dict[str, int]:
        return {
            "enterprises": self.enterprises,
            "other_subjects": self.other_subjects,
            "records": self.records,
            "former_names": self.former_names,
        }


def demo_seed(
    *,
    enterprises: int,
    seed: int,
    as_of: dt.date | None = None,
    batch_size: int = 2000,
    force: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> SeedResult:
    """Fill an empty database with deterministic demo subjects and records.

    Rows go in with ``bulk_create``, ``batch_size`` subjects (and their records) per
    transaction; no per-row service calls or audit rows: one audit row records the run.
    A job-run row shows progress and the outcome. Refuses on a production site unless
    ``force`` (demo data must not reach a real database by accident), and on a database
    that already holds subjects (codes and document numbers of a run are unique only
    within that run).
    """
    if settings.PRODUCTION and not force:
        raise DemoDataRefused(
            _(
                "This is a production site (DJANGO_ENV=production): demo data is not "
                "written there unless you pass --force."
            ),
            field="force",
        )
    existing = Subject.objects.count()
    if existing:
        raise DemoDataRefused(
            _(
                "The database already holds %(n)d credit subjects; demo data goes into an "
                "empty database only (use --if-empty to skip quietly)."
            )
            % {"n": existing},
            field="enterprises",
        )
    departments = dict(Department.objects.values_list("code", "pk"))
    needed = _department_codes()
    missing = sorted(code for code in needed if code not in departments)
    if missing:
        raise DemoDataRefused(
            _("Reference data is missing (departments %(codes)s): run manage.py migrate.")
            % {"codes": ", ".join(missing)},
            field="department",
        )
    as_of = as_of or timezone.localdate()
    counts = plan(enterprises)
    total = sum(counts.values())
    result = SeedResult()
    started = time.monotonic()
    job = JobRun.objects.create(name="seed_demo", total=total)
    result.job_id = job.pk

    def write(batch: list[SubjectRows]) -> None:
        subjects = [Subject(**rows.subject) for rows in batch]
        for rows, subject in zip(batch, subjects, strict=True):
            # Public search by pinyin (enterprises/pinyin.py), as subject_upsert does.
            subject.search_pinyin, subject.search_initials = search_keys(
                [subject.name, *(values["name"] for values in rows.former_names)]
            )
        former: list[FormerName] = []
        records: list[CreditRecord] = []
        with transaction.atomic():
            Subject.objects.bulk_create(subjects, batch_size=batch_size)
            for rows, subject in zip(batch, subjects, strict=True):
                for values in rows.former_names:
                    former.append(FormerName(subject_id=subject.pk, **values))
                for values in rows.records:
                    data = dict(values)
                    data["department_id"] = departments[data.pop("department")]
                    records.append(CreditRecord(subject_id=subject.pk, **data))
            FormerName.objects.bulk_create(former, batch_size=batch_size)
            CreditRecord.objects.bulk_create(records, batch_size=batch_size)
            for subject in subjects:
                if subject.subject_type == ST.ENTERPRISE:
                    result.enterprises += 1
                else:
                    result.other_subjects += 1
            result.records += len(records)
            result.former_names += len(former)
            JobRun.objects.filter(pk=job.pk).update(done=result.subjects, counts=result.counts())
        # With DEBUG on, Django keeps every query's SQL with its parameters: megabytes
        # per batch here. Drop them so memory stays bounded by one batch (unless a test
        # is capturing queries).
        if settings.DEBUG and not connection.force_debug_cursor:
            connection.queries_log.clear()
        if on_progress is not None:
            on_progress(len(batch), len(records))

    try:
        batch: list[SubjectRows] = []
        for rows in generate(enterprises=enterprises, seed=seed, as_of=as_of):
            batch.append(rows)
            if len(batch) >= batch_size:
                write(batch)
                batch = []
        if batch:
            write(batch)
    except BaseException as error:
        # Batches already committed stay; the job row and the audit trail say so.
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:5000],
            counts=result.counts(),
        )
        if result.subjects:
            _audit_run(result, seed, reason="demo data (failed part-way)")
        raise
    demo_lists(seed=seed, as_of=as_of)  # red and black list entries (lists issue)
    # Published credit commitments, of subjects that may commit (after the lists: a
    # subject on a black list may not, docs/rules.md §10).
    demo_commitments(seed=seed, as_of=as_of)
    demo_inspections(seed=seed, as_of=as_of)  # random inspections
    demo_news(as_of=as_of)  # credit news (信用动态) in both languages
    demo_contacts()  # contact e-mails of verified access (docs/rules.md §8.8)
    demo_training(as_of=as_of)  # agencies, courses, certificates (docs/rules.md §8.2)
    result.seconds = time.monotonic() - started
    with transaction.atomic():
        _audit_run(result, seed, reason="demo data")
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            done=result.subjects,
            counts=result.counts(),
        )
    return result


def _audit_run(result: SeedResult, seed: int, *, reason: str) -> None:
    audit_append(
        actor=Actor.for_system("seed_demo"),
        action="bulk",
        object_type="enterprises.subject",
        object_id="seed_demo",
        after={
            "enterprises": result.enterprises,
            "records": result.records,
            "seed": seed,
            "other_subjects": result.other_subjects,
        },
        reason=reason,
    )


def _department_codes() -> list[str]:
    codes = ["zj-tax", *CITY_MARKET_REGULATORS.values(), "zj-amr"]
    templates: list[Any] = [*PENALTIES, *NEGATIVE_ENTRIES, *TRUST_ENTRIES]
    templates += [e for entries in OTHER_ENTRIES.values() for e in entries]
    templates += [SOCIAL_ABNORMAL, SOCIAL_HONOUR, SOCIAL_VOLUNTEERING, PERSON_JUDGEMENT]
    templates += [t for ind in INDUSTRIES for t in ind.licences + ind.qualifications]
    for template in templates:
        if template.dept != "amr" and template.dept not in codes:
            codes.append(template.dept)
    return codes
