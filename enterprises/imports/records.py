"""Importing credit records."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.actors import Actor
from enterprises.models import CreditRecord, Department, Subject
from enterprises.services import RECORD_FIELDS, record_upsert
from enterprises.uscc import normalize_uscc, validate_uscc

from .columns import RECORDS
from .reading import ImportResult, Progress, RowError, _blank
from .running import _convert_row, _import, _Run, _savepoint
from .values import _CellError, _code, _Converter, _text

log = logging.getLogger("enterprises.imports")  # one logger for the whole package

# Keys looked up per query (well under SQLite's limit of bound parameters).
_LOOKUP_BATCH = 500


# --- Records -------------------------------------------------------------------------


def records_import(
    *,
    actor: Actor,
    file: IO[bytes] | bytes,
    filename: str,
    department: Department | None = None,
    progress: Progress | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Import credit records, all or nothing (see the module docstring).

    A row names its subject by ``subject_uscc`` (the subject must be registered). The
    department is ``department`` or, for a department officer, their own; a
    ``department`` column (code or Chinese name), where given, must name that same
    department, else the row is refused. Administrators may leave ``department`` out
    and give the department per row. A row whose department already holds a record
    with the same document number updates that record (departments resend).
    """
    unrestricted = actor.is_unrestricted
    # An administrator's own profile (if any) is no default: they import for any department.
    default = department if department is not None else (None if unrestricted else actor.department)
    if default is not None and not actor.may_write(default.pk):
        return ImportResult(
            errors=[
                RowError(
                    None, "department", _("You may only import records of your own department.")
                )
            ]
        )
    if default is None and not unrestricted:
        return ImportResult(
            errors=[
                RowError(
                    None, "department", _("Your account is not linked to a source department.")
                )
            ]
        )
    # Service error keys → import columns.
    fields = {"subject": "subject_uscc", "department": "department"}

    def make_handler(run: _Run, codes: list[Any]) -> Callable[[int, dict[str, Any]], None]:
        convert = _Converter(CreditRecord)
        wanted = sorted({normalize_uscc(code) for code in codes if isinstance(code, str)} - {""})
        subjects: dict[str, Subject | None] = {}
        for start in range(0, len(wanted), _LOOKUP_BATCH):
            batch = wanted[start : start + _LOOKUP_BATCH]
            subjects.update({s.uscc: s for s in Subject.objects.filter(uscc__in=batch) if s.uscc})
        departments: dict[str, Department | None] = {}
        seen_documents: dict[tuple[int, str], int] = {}

        def find_department(value: Any) -> Department | None:
            key = _text(value)
            if key not in departments:
                departments[key] = (
                    Department.objects.filter(code=key).first()
                    or Department.objects.filter(name_zh=key).first()
                )
            return departments[key]

        def handle(row: int, values: dict[str, Any]) -> None:
            ok = True
            # Subject.
            subject: Subject | None = None
            try:
                code = _code(values.get("subject_uscc"))
            except _CellError as error:
                run.error(row, "subject_uscc", error)
                code, ok = "", False
            if ok and not code:
                run.error(row, "subject_uscc", _("This field is required."))
                ok = False
            elif code:
                subject = subjects.get(code)
                if subject is None:
                    try:
                        validate_uscc(code)
                    except ValidationError as error:
                        run.error(row, "subject_uscc", error.messages[0])
                    else:
                        run.error(
                            row,
                            "subject_uscc",
                            _("No credit subject has this code: register it first."),
                        )
                    ok = False
            name = _text(values.get("subject_name"))
            if (
                subject is not None
                and name
                and name != subject.name
                and not subject.former_names.filter(name=name).exists()
            ):
                run.error(
                    row,
                    "subject_name",
                    _("The code %(code)s belongs to “%(name)s”, not “%(given)s”.")
                    % {"code": subject.uscc, "name": subject.name, "given": name},
                )
                ok = False
            # Department.
            target = default
            given = values.get("department")
            if not _blank(given):
                named = find_department(given)
                if named is None:
                    run.error(
                        row,
                        "department",
                        _("No source department has the code or name “%(value)s”.")
                        % {"value": _text(given)},
                    )
                    ok = False
                elif default is not None and named.pk != default.pk:
                    run.error(
                        row,
                        "department",
                        _(
                            "This row names “%(named)s”, but the file is imported for "
                            "“%(default)s”: records of other departments cannot be imported here."
                        )
                        % {"named": named.code, "default": default.code},
                    )
                    ok = False
                else:
                    target = named
            elif default is None:
                run.error(row, "department", _("Give the source department's code."))
                ok = False
            data = _convert_row(run, row, values, RECORD_FIELDS, convert)
            if data is None or not ok or subject is None or target is None:
                return
            document = (data.get("document_number") or "").strip()
            if document:
                key = (target.pk, document)
                if key in seen_documents:
                    run.error(
                        row,
                        "document_number",
                        _("Row %(row)d has the same document number.")
                        % {"row": seen_documents[key]},
                    )
                    return
                seen_documents[key] = row
            outcome = _savepoint(
                run,
                row,
                fields,
                lambda: record_upsert(
                    actor=actor,
                    subject=subject,
                    department=target,
                    data=data,
                    reason=_("Bulk import from %(file)s, row %(row)d")
                    % {"file": filename, "row": row},
                ),
            )
            run.result.count(outcome)

        return handle

    result = _import(
        file=file,
        filename=filename,
        spec=RECORDS,
        make_handler=make_handler,
        progress=progress,
        max_rows=max_rows,
    )
    log.info(
        "import.records file=%s rows=%s created=%s updated=%s errors=%s actor=%s",
        filename,
        result.rows,
        result.created,
        result.updated,
        len(result.errors),
        actor.label,
    )
    return result
