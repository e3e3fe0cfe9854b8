"""The PDF font shared by every generated PDF (the credit report, the repair letter).

Chinese is drawn with WenQuanYi Micro Hei, a TrueType font embedded (subset) in the PDF:
reportlab cannot embed CFF-flavoured OpenType such as Noto Sans CJK. The font ships in
static/fonts/ with its licence (Apache-2.0 or GPL-3+ with the font exception), from
Debian's fonts-wqy-microhei package.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WQYMicroHei"
FONT_PATH = settings.BASE_DIR / "static" / "fonts" / "wqy-microhei.ttc"


@cache
def pdf_font() -> str:
    """Registers the CJK font with reportlab (once) and returns its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME
