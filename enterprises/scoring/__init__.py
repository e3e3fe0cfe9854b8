"""Public credit evaluation: one subject explained, everyone in set-based batches.

rules.md §4; the rules and their defaults are data
(``IndicatorRule``) and docs/scoring.md explains each one. Two paths compute the
score and must agree exactly (a property test holds them to it):

* :func:`evaluate_subject` reads one subject's counting records and list entries and
  explains every point: which record moved which indicator, and when it stops.
* :func:`scores_bulk` aggregates records per subject in SQL (one ``GROUP BY
  subject_id`` with a filtered ``SUM``/``MAX`` per indicator) over an id range; on
  PostgreSQL :func:`rescore_job` / :func:`subjects_rescore` run the same aggregates inside
  one statement per id range that also combines, grades and writes only what changed.

How one item counts on a date ``on`` (records and list entries alike):
  it counts when its decision (or listing) date is on or before ``on`` and, if the
  rule has ``max_years``, later than ``on`` minus that many years; its points are the
  rule's points for its severity (black-list entries: serious; trust-keeping records
  and red-list entries: unrated), times ``aged_percent`` once its date is on or before
  ``on`` minus ``full_years``. Within an indicator the largest item counts in full and
  the others at ``repeat_percent``; the sum is capped at the indicator's weight.
Score = (sum of the deducting indicators' weights, 815 in 2020) − deductions + additions.

The package, by job: ``catalogue`` (the rules compiled, what counts), ``explain`` (one
subject), ``bulk`` (everyone by aggregation, storing results), ``sql`` (one id range in
one PostgreSQL statement), ``jobs`` (one subject after a change, everyone now, the
nightly job). Callers import from the package.
"""

from __future__ import annotations

from .bulk import Scored, StoreCounts, scores_bulk
from .catalogue import (
    COUNTING_STATES,
    DEFAULT_JURISDICTION,
    Catalogue,
    NoActiveEdition,
    Rule,
    SubjectNotScored,
    add_years,
    catalogue_load,
    counting_records,
    scorable_subjects,
)
from .explain import EvaluationResult, IndicatorResult, Item, evaluate_subject
from .jobs import (
    DEFAULT_CHUNK_SUBJECTS,
    RESCORE_JOB,
    RescoreCounts,
    rescore_chunk,
    rescore_chunk_failed,
    rescore_job,
    subject_rescore,
    subjects_rescore,
)

# Not public, but used through the package: the jobs look ``_score_range`` up here (tests
# replace it), tests plan chunks and the benchmark reads the statement.
from .sql import _plan as _plan
from .sql import _range_statement as _range_statement
from .sql import _score_range as _score_range

__all__ = [
    "COUNTING_STATES",
    "DEFAULT_CHUNK_SUBJECTS",
    "DEFAULT_JURISDICTION",
    "RESCORE_JOB",
    "Catalogue",
    "EvaluationResult",
    "IndicatorResult",
    "Item",
    "NoActiveEdition",
    "RescoreCounts",
    "Rule",
    "Scored",
    "StoreCounts",
    "SubjectNotScored",
    "add_years",
    "catalogue_load",
    "counting_records",
    "evaluate_subject",
    "rescore_chunk",
    "rescore_chunk_failed",
    "rescore_job",
    "scorable_subjects",
    "scores_bulk",
    "subject_rescore",
    "subjects_rescore",
]
