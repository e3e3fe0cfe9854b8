"""What the demo generators yield: one subject's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class SubjectRows:
    """One subject with its former names and records, as plain rows.

    ``subject`` is keyed by :class:`Subject` attribute names; each record by
    :class:`CreditRecord` attribute names except ``department``, which is the
    department's code (the caller maps it to an id)."""

    index: int
    subject: dict[str, Any]
    former_names: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
