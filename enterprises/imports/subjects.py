"""Importing credit subjects (organisations, keyed by their code)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import IO, Any

from django.utils.translation import gettext as _

from core.actors import Actor
from enterprises.models import Industry, Region, Subject
from enterprises.services import SUBJECT_FIELDS, SUBJECT_PERSONAL_FIELDS, subject_upsert

from .columns import SUBJECTS
from .reading import ImportResult, Progress
from .running import _convert_row, _import, _Run, _savepoint
from .values import _boolean, _CellError, _code, _Converter, _text

log = logging.getLogger("enterprises.imports")  # one logger for the whole package

_FORMER_NAME_SEPARATORS = re.compile(r"[;；|\n]")


# --- Subjects --------------------------------------------------------------------------

# The subject's own fields, converted cell by cell; region and industry are looked up
# by code or name below, and natural persons' data is not imported.
_REFERENCES = ("region_id", "industry_id")
_SUBJECT_DATA = tuple(
    name
    for name in SUBJECT_FIELDS
    if name not in _REFERENCES and name not in SUBJECT_PERSONAL_FIELDS
)


def subjects_import(
    *,
    actor: Actor,
    file: IO[bytes] | bytes,
    filename: str,
    progress: Progress | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Register or update credit subjects keyed by their USCC, all or nothing.

    A code whose check character fails is accepted only with ``uscc_override`` true
    and a ``uscc_override_reason``, from an official; the acceptance is audited
    (rules.md §2). Natural persons have no code to key a re-import on and are
    registered one by one in the admin.
    """
    fields = {"region": "region", "industry": "industry"}

    def make_handler(run: _Run, codes: list[Any]) -> Callable[[int, dict[str, Any]], None]:
        convert = _Converter(Subject)
        regions = {code: code for code in Region.objects.values_list("code", flat=True)}
        regions.update({name: code for code, name in Region.objects.values_list("code", "name_zh")})
        industries = {code: code for code in Industry.objects.values_list("code", flat=True)}
        industries.update(
            {name: code for code, name in Industry.objects.values_list("code", "name_zh")}
        )
        seen: dict[str, int] = {}

        def reference(row: int, name: str, value: Any, known: dict[str, str]) -> tuple[bool, Any]:
            text = _text(value).upper() if name == "industry" else _text(value)
            if not text:
                return True, None
            if text not in known:
                run.error(row, name, _("“%(value)s” is not a known code.") % {"value": text})
                return False, None
            return True, known[text]

        def handle(row: int, values: dict[str, Any]) -> None:
            ok = True
            try:
                code = _code(values.get("uscc"))
            except _CellError as error:
                run.error(row, "uscc", error)
                code, ok = "", False
            if ok and not code:
                run.error(row, "uscc", _("This field is required for organisations."))
                ok = False
            if code in seen:
                run.error(row, "uscc", _("Row %(row)d has the same code.") % {"row": seen[code]})
                ok = False
            elif code:
                seen[code] = row
            data = _convert_row(run, row, values, _SUBJECT_DATA, convert)
            if data is None:
                ok = False
            elif data.get("subject_type") == Subject.SubjectType.NATURAL_PERSON:
                run.error(
                    row,
                    "subject_type",
                    _("Natural persons are registered one by one in the admin, not imported."),
                )
                ok = False
            for name, known in (("region", regions), ("industry", industries)):
                if name in values:
                    found, value = reference(row, name, values[name], known)
                    if not found:
                        ok = False
                    elif data is not None:
                        data[f"{name}_id"] = value
            override = False
            if "uscc_override" in values:
                try:
                    override = _boolean(values["uscc_override"])
                except _CellError as error:
                    run.error(row, "uscc_override", error)
                    ok = False
            reason = _text(values.get("uscc_override_reason"))
            if override and not reason:
                run.error(
                    row,
                    "uscc_override_reason",
                    _("Say why a code that fails its check is accepted."),
                )
                ok = False
            former = [
                part.strip()
                for part in _FORMER_NAME_SEPARATORS.split(_text(values.get("former_names")))
                if part.strip()
            ]
            if not ok or data is None:
                return
            outcome = _savepoint(
                run,
                row,
                fields,
                lambda: subject_upsert(
                    actor=actor,
                    uscc=code,
                    data=data,
                    override_reason=reason if override else "",
                    former_names=former,
                ),
            )
            run.result.count(outcome)

        return handle

    result = _import(
        file=file,
        filename=filename,
        spec=SUBJECTS,
        make_handler=make_handler,
        progress=progress,
        max_rows=max_rows,
    )
    log.info(
        "import.subjects file=%s rows=%s created=%s updated=%s errors=%s actor=%s",
        filename,
        result.rows,
        result.created,
        result.updated,
        len(result.errors),
        actor.label,
    )
    return result
