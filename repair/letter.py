"""The Letter of Commitment to Credit Repair (信用修复承诺书) as a PDF ready to sign
(docs/rules.md §8.2, §8.6).

It names the subject (name, USCC, legal representative) and the public records the repair
concerns (title, document number, decision date, department), states the commitments and
leaves room for the legal representative's signature, the seal and the date. The text is in
the language of the request; the records are quoted as published.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import pdf_font
from core.site import site_name
from core.templatetags.localized import localized_value
from enterprises.models import CreditRecord, Subject

# Years a false commitment bars repair (docs/rules.md §8.6).
BAN_YEARS = 3


def _styles() -> dict[str, ParagraphStyle]:
    font = pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4
        ),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text or "")), style)


def commitments() -> list[str]:
    """The commitments of the letter (docs/rules.md §8.2, §8.6)."""
    return [
        _(
            "All the information and material submitted with this application are true, "
            "complete and valid."
        ),
        _(
            "The legal obligations and responsibilities set by the decisions listed above "
            "have been fulfilled, and the conduct has been corrected."
        ),
        _(
            "We accept the supervision of the authorities and of the public, and will "
            "operate honestly and in accordance with the law."
        ),
        _(
            "If this commitment is false, the repair is reversed, the false commitment is "
            "recorded as negative credit information, and we may not obtain credit repair "
            "for %(years)s years."
        )
        % {"years": BAN_YEARS},
    ]


def render_letter(*, subject: Subject, records: Sequence[CreditRecord]) -> bytes:
    """The letter as PDF bytes."""
    styles = _styles()
    base, small = styles["base"], styles["small"]
    width = A4[0] - 40 * mm
    story: list[Any] = [_p(_("Letter of Commitment to Credit Repair"), styles["title"])]

    identity = [
        (pgettext("credit subject", "Name"), subject.name),
        (_("Unified social credit code"), subject.uscc),
        (_("Legal representative"), subject.legal_representative),
    ]
    story.append(
        _table([[_p(k, base), _p(v, base)] for k, v in identity], [45 * mm, width - 45 * mm])
    )

    story.append(_p(_("Records concerned"), styles["h2"]))
    header = [_("Title"), _("Document number"), _("Decision date"), _("Department")]
    rows = [[_p(h, small) for h in header]]
    for record in records:
        department = record.department
        rows.append(
            [
                _p(record.title, small),
                _p(record.document_number, small),
                _p(record.decision_date.isoformat() if record.decision_date else "", small),
                _p(localized_value(department, "name") if department else "", small),
            ]
        )
    story.append(
        _table(rows, [width * 0.36, width * 0.24, width * 0.14, width * 0.26], header=True)
    )

    story.append(_p(_("Commitments"), styles["h2"]))
    story.append(
        _p(
            _("To apply for credit repair of the records above, we solemnly commit that:"),
            base,
        )
    )
    for number, text in enumerate(commitments(), start=1):
        story.append(_p(f"{number}. {text}", base))

    story.append(Spacer(1, 14 * mm))
    signature = [
        [_p(_("Legal representative (signature)"), base), _p("", base)],
        [_p(_("Seal of the enterprise"), base), _p("", base)],
        [_p(_("Date"), base), _p(_("(year) (month) (day)"), base)],
    ]
    story.append(
        Table(
            signature,
            colWidths=[60 * mm, width - 60 * mm],
            rowHeights=[14 * mm] * len(signature),
            style=TableStyle(
                [
                    ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ]
            ),
        )
    )
    story.append(Spacer(1, 8 * mm))
    story.append(
        _p(
            _(
                "Generated by %(site)s on %(day)s. Sign, seal and upload it with the repair "
                "application."
            )
            % {"site": site_name(), "day": timezone.localdate().isoformat()},
            small,
        )
    )

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("Letter of Commitment to Credit Repair"),
        author=site_name(),
    )
    document.build(story)
    return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float], *, header: bool = False) -> Table:
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), pdf_font()),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    return Table(rows, colWidths=widths, style=TableStyle(style), repeatRows=1 if header else 0)
