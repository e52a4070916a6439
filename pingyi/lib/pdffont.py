"""A TrueType CJK font for reportlab (which cannot use the CFF outlines of Noto CJK)."""

import os
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]
NAME = "PingyiCJK"


class FontMissing(RuntimeError):
    pass


@cache
def cjk_font() -> str:
    """Registers the first font found and returns its reportlab name."""
    paths = [os.environ.get("PINGYI_PDF_FONT", ""), *CANDIDATES]
    for path in paths:
        if path and os.path.isfile(path):
            pdfmetrics.registerFont(TTFont(NAME, path, subfontIndex=0))
            return NAME
    raise FontMissing("服务器未安装中文字体（Debian：fonts-wqy-zenhei），无法生成 PDF。")
