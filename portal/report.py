"""The credit report PDF (/enterprises/<USCC>/report.pdf) and its verification.

Everything public on the credit file at generation time, with the score and its
breakdown, a report number and a verification code (also as a QR code) that
/reports/verify/<code>/ confirms together with the SHA-256 of the file as issued.

Chinese is drawn with the font of ``core.pdf`` (WenQuanYi Micro Hei, embedded).
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.pdf import pdf_font as _font
from core.site import site_name
from enterprises.models import ReportIssue
from rules.kinds import INDICATORS_BY_CODE

from .queries import CreditFile

# Verification codes: 16 characters of an alphabet without look-alikes (0/O, 1/I).
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16
RECORD_ROWS_PER_TABLE = 20


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
        ),
    }


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(value: str) -> str:
    return "".join(c for c in value.upper() if c.isalnum())


def _number(now: Any) -> str:
    # CR-<date>-<6 random characters>: unique (the column says so), and says when.
    return f"CR-{timezone.localtime(now):%Y%m%d}-{new_code()[:6]}"


def report_issue(
    *, file: CreditFile, verify_url: Callable[[str], str]
) -> tuple[ReportIssue, bytes]:
    """Number, render and register one report; the stored hash is of the bytes served."""
    now = timezone.now()
    evaluation = file.evaluation
    with transaction.atomic():
        issue = ReportIssue.objects.create(
            number=_number(now),
            code=new_code(),
            subject=file.subject,
            generated_at=now,
            record_count=len(file.records),
            score=getattr(evaluation, "score", None),
            grade=getattr(evaluation, "grade", "") or "",
            language=get_language() or "",
        )
        pdf = render_pdf(file=file, issue=issue, verify_url=verify_url(issue.code))
        issue.content_hash = hashlib.sha256(pdf).hexdigest()
        issue.save(update_fields=["content_hash"])
    return issue, pdf


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "")), style)


def _date(value: Any) -> str:
    return date_format(value, "Y-m-d") if value else ""


def _table(rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")))
    # Plain-string cells (dates) use the CJK font too: "永久" must render.
    style += [("FONTNAME", (0, 0), (-1, -1), _font()), ("FONTSIZE", (0, 0), (-1, -1), 7.5)]
    table.setStyle(TableStyle(style))
    return table


def _qr(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def _english() -> bool:
    return (get_language() or "").startswith("en")


def render_pdf(*, file: CreditFile, issue: ReportIssue, verify_url: str) -> bytes:
    styles = _styles()
    base, small = styles["base"], styles["small"]
    english = _english()
    subject = file.subject
    width = A4[0] - 30 * mm
    story: list[Any] = []

    story.append(_p(_("Credit report"), styles["title"]))
    header = [
        [_p(_("Report number"), base), _p(issue.number, base)],
        [
            _p(_("Generated at"), base),
            _p(timezone.localtime(issue.generated_at).strftime("%Y-%m-%d %H:%M:%S %Z"), base),
        ],
        [_p(_("Verification code"), base), _p(issue.code, base)],
        [_p(_("Verify at"), base), _p(verify_url, small)],
    ]
    story.append(
        Table(
            [[_table(header, [32 * mm, width - 68 * mm], header=False), _qr(verify_url)]],
            colWidths=[width - 32 * mm, 32 * mm],
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
        )
    )

    story.append(_p(_("Basic information"), styles["h2"]))
    region = subject.region
    basic = [
        (pgettext("credit subject", "Name"), subject.name),
        (_("Unified social credit code"), subject.uscc),
        (_("Former names"), "；".join(f.name for f in file.former_names)),
        (_("Legal representative"), subject.legal_representative),
        (_("Enterprise type"), subject.enterprise_type),
        (_("Date of establishment"), _date(subject.established_on)),
        (_("Registered capital (10,000 yuan)"), subject.registered_capital or ""),
        (_("Registration status"), subject.get_registration_status_display()),
        (_("Address"), subject.address),
        (
            _("Region"),
            (region.name_en if english else region.name_zh) if region else "",
        ),
        (_("Business scope"), subject.business_scope),
        (_("Label"), file.label.label if file.label else _("None")),
        (_("Credit standing"), _standing_text(file)),
    ]
    story.append(
        _table(
            [[_p(k, base), _p(v, base)] for k, v in basic], [45 * mm, width - 45 * mm], header=False
        )
    )

    story.append(_p(_("Public credit evaluation"), styles["h2"]))
    evaluation = file.evaluation
    if evaluation is None:
        story.append(_p(_("Not yet evaluated."), base))
    else:
        story.append(
            _p(
                _("Score %(score)s, grade %(grade)s, evaluated at %(at)s (recomputed every night).")
                % {
                    "score": evaluation.score,
                    "grade": evaluation.grade,
                    "at": timezone.localtime(evaluation.evaluated_at).strftime("%Y-%m-%d %H:%M"),
                },
                base,
            )
        )
        breakdown = breakdown_rows(evaluation.breakdown)
        if breakdown:
            table = [[_p(_("Indicator"), base), _p(_("Weight"), base), _p(_("Points"), base)]]
            table += [
                [_p(name, small), _p(weight, small), _p(points, small)]
                for name, weight, points in breakdown
            ]
            story.append(_table(table, [width - 50 * mm, 25 * mm, 25 * mm]))

    if file.list_entries:
        story.append(_p(_("Red and black lists"), styles["h2"]))
        rows: list[list[Any]] = [
            [
                _p(_("List"), base),
                _p(_("Listed on"), base),
                _p(_("Term ends"), base),
                _p(_("Reason"), base),
            ]
        ]
        for entry in file.list_entries:
            name = entry.credit_list.name_en if english else entry.credit_list.name_zh
            rows.append(
                [
                    _p(name, small),
                    _p(_date(entry.listed_on), small),
                    _p(_date(entry.term_end), small),
                    _p(entry.reason, small),
                ]
            )
        story.append(_table(rows, [50 * mm, 22 * mm, 22 * mm, width - 94 * mm]))

    story.append(_p(_("Credit information by Credit China category"), styles["h2"]))
    story.append(
        _table(
            [
                [_p(t.label, small) for t in file.china_tabs],
                [str(t.count) for t in file.china_tabs],
            ],
            [width / len(file.china_tabs)] * len(file.china_tabs),
        )
    )
    # The tables follow Credit Zhejiang's four groups; every count is the standing's.
    for tab in file.zhejiang_tabs:
        story.append(_p(f"{tab.label} ({tab.count})", styles["h2"]))
        if not tab.has_items:
            story.append(_p(_("None."), small))
            continue
        header = [
            _p(_("Date"), small),
            _p(_("Kind and title"), small),
            _p(_("Source department"), small),
            _p(_("Document number"), small),
            _p(_("Publicity ends"), small),
        ]
        rows = _other_rows(tab, small, english=english)
        for record in tab.records:
            department = record.department.name_en if english else record.department.name_zh
            title = f"{record.get_kind_display()} · {record.title}"
            if record.content:
                title += f"\n{record.content}"
            if record.state == "under_objection":
                title += f"\n[{_('Under objection')}]"
            rows.append(
                [
                    # Short cells as plain strings: reportlab wraps only Paragraphs, and
                    # wrapping is most of the time a long report takes.
                    _date(record.decision_date),
                    Paragraph(escape(title).replace("\n", "<br/>"), small),
                    _p(department, small),
                    _p(record.document_number, small),
                    _date(record.publicity_end) or _("Permanent"),
                ]
            )
        widths = [19 * mm, width - 111 * mm, 38 * mm, 35 * mm, 19 * mm]
        # Small tables instead of one long one: splitting a long table across pages
        # re-measures every row left on each split.
        for start in range(0, len(rows), RECORD_ROWS_PER_TABLE):
            chunk = rows[start : start + RECORD_ROWS_PER_TABLE]
            story.append(
                _table([header, *chunk] if start == 0 else chunk, widths, header=start == 0)
            )

    story.append(Spacer(1, 6 * mm))
    story.append(
        _p(
            _(
                "This report contains the fully public credit information held at the time of "
                "generation. It is for reference only. To object to information, or to apply for "
                "credit repair, see the portal."
            ),
            small,
        )
    )

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{_('Credit report')} {subject.name}",
        author=site_name(get_language()),
        subject=issue.number,
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(_font(), 7)
        canvas.drawString(15 * mm, 8 * mm, f"{issue.number} · {issue.code} · {subject.uscc}")
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, str(doc.page))
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _standing_text(file: CreditFile) -> str:
    """The standing's answer in words (docs/rules.md §3.9): never "no negative information"
    for a black-listed subject, since its entries are counted as negative information."""
    standing = file.standing
    text = standing.summary()
    if not standing.has_negative:
        text = _("No public negative information.") + " " + text
    notes = standing.entry_notes()
    if notes:
        text += "\n" + " ".join(dict.fromkeys(notes.values()))
    return text


def _other_rows(tab: Any, style: ParagraphStyle, *, english: bool) -> list[list[Any]]:
    """Rows of a group's list entries, commitments and repaired items (shown as repaired,
    with the repair decision date, during their publication: docs/rules.md §8.5)."""
    rows: list[list[Any]] = []
    for entry in tab.entries:
        credit_list = entry.credit_list
        colour = _("Black list") if credit_list.is_black else _("Red list")
        name = credit_list.name_en if english else credit_list.name_zh
        authority = credit_list.authority.name_en if english else credit_list.authority.name_zh
        title = f"{colour} · {name}\n{entry.reason}"
        if getattr(entry, "standing_note", ""):
            title += f"\n{entry.standing_note}"
        rows.append(
            [
                _date(entry.listed_on),
                Paragraph(escape(title).replace("\n", "<br/>"), style),
                _p(authority, style),
                _p(entry.document_number, style),
                _date(entry.term_end),
            ]
        )
    for commitment in tab.commitments:
        unit = commitment.accepting_unit
        rows.append(
            [
                _date(commitment.committed_on),
                _p(f"{_('Credit commitment')} · {commitment.get_commitment_type_display()}", style),
                _p(unit.name_en if english else unit.name_zh, style),
                "",
                "",
            ]
        )
    for repaired in tab.repaired:
        item = repaired.item
        mark = pgettext("public mark", "Repaired")
        decided = _("Repair decided on %(day)s; published for objections until %(until)s.") % {
            "day": _date(repaired.decided_on),
            "until": _date(repaired.published_until),
        }
        department = ""
        if repaired.is_record:
            department = item.department.name_en if english else item.department.name_zh
        rows.append(
            [
                _date(getattr(item, "decision_date", None) or getattr(item, "listed_on", None)),
                Paragraph(
                    escape(f"[{mark}] {repaired.title}\n{decided}").replace("\n", "<br/>"), style
                ),
                _p(department, style),
                _p(item.document_number, style),
                "",
            ]
        )
    return rows


def breakdown_rows(breakdown: Any) -> list[tuple[str, str, str]]:
    """(indicator, weight, points) from an evaluation's breakdown, whatever detail it
    carries: {code: points} or {code: {"points": …, "weight": …, …}}."""
    rows: list[tuple[str, str, str]] = []
    if not isinstance(breakdown, dict):
        return rows
    items = breakdown.get("indicators", breakdown)
    if isinstance(items, list):
        items = {str(i.get("code", "")): i for i in items if isinstance(i, dict)}
    if not isinstance(items, dict):
        return rows
    english = _english()
    for code, value in sorted(items.items()):
        indicator = INDICATORS_BY_CODE.get(str(code))
        name = (
            f"{code} {indicator.name_en if english else indicator.name_zh}"
            if indicator
            else str(code)
        )
        weight = str(indicator.weight) if indicator else ""
        if isinstance(value, dict):
            points = value.get("points", value.get("delta", value.get("score", "")))
            weight = str(value.get("weight", weight))
        else:
            points = value
        rows.append((name, weight, str(points)))
    return rows
