"""/statistics/: public figures computed by a job into a stored snapshot (docs/operations.md)."""

from .compute import (
    statistics_compute,
    statistics_job,
    statistics_latest,
    statistics_snapshot_store,
)

__all__ = [
    "statistics_compute",
    "statistics_job",
    "statistics_latest",
    "statistics_snapshot_store",
]
