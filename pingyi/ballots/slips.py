"""Printable slips: 8 to an A4 page, each with the QR of the ballot address and its code.

The QR holds the code in the URL fragment (…/v/#CODE): a browser never sends the
fragment to the server, so no access log anywhere can record a code.
"""

import io
import ipaddress
from urllib.parse import urlsplit

import segno
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from pingyi.lib.slipsheet import fit, sheet, wrap

INSTRUCTION = "手机扫码或打开上述网址输入凭证码，逐项评价后提交。每张凭证只能投票一次，请妥善保管。"


LOOPBACK_NAMES = {"localhost", "0.0.0.0", "::", "::1", "[::1]", "[::]"}


def unreachable_address(base_url: str) -> str:
    """Why phones cannot open the ballot at `base_url` ("" when nothing is known to be wrong).

    Only what can be told without the network: a loopback or unspecified address, or a name that
    means "this machine". An intranet name that does not resolve is not checked (no lookup at run time).
    """
    host = (urlsplit(base_url).hostname or "").lower()
    if not host:
        return "凭证上的投票地址没有主机名"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if (
        host in LOOPBACK_NAMES
        or host.endswith(".localhost")
        or (address and (address.is_loopback or address.is_unspecified))
    ):
        return f"凭证上的投票地址 {ballot_url(base_url)} 指向服务器本机，评议人的手机打不开"
    return ""


def ballot_url(base_url: str, code: str = "") -> str:
    return f"{base_url.rstrip('/')}/v/" + (f"#{code}" if code else "")


def slips_pdf(title: str, group: str, codes: list[str], base_url: str) -> bytes:
    def draw(pdf, font, x, y, w, h, code):
        _slip(pdf, font, x, y, w, h, title, group, code, base_url)

    return sheet(f"{title} 测评凭证（{group}）", codes, draw)


def _slip(pdf, font, x, y, w, h, title, group, code, base_url):
    pad = 6 * mm
    pdf.setFont(font, 10.5)
    pdf.drawString(x + pad, y + h - pad - 8, fit(pdf, font, 10.5, title, w - 2 * pad))
    pdf.setFont(font, 9)
    pdf.drawString(x + pad, y + h - pad - 22, f"测评凭证 · {group}")
    qr = segno.make(ballot_url(base_url, code), error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=6, border=1)
    image.seek(0)
    size = 36 * mm
    pdf.drawImage(ImageReader(image), x + pad, y + pad + 8 * mm, size, size)
    right = x + pad + size + 5 * mm
    pdf.setFont(font, 8)
    pdf.drawString(right, y + pad + 38 * mm, "凭证码")
    pdf.setFont("Courier-Bold", 13)
    first, second = code[:9], code[10:]
    pdf.drawString(right, y + pad + 31 * mm, first)
    pdf.drawString(right, y + pad + 25 * mm, second)
    pdf.setFont(font, 7.5)
    pdf.drawString(right, y + pad + 17 * mm, ballot_url(base_url))
    pdf.setFont(font, 7.5)
    for i, line in enumerate(wrap(pdf, font, 7.5, INSTRUCTION, w - 2 * pad)):
        pdf.drawString(x + pad, y + pad + 2 * mm - i * 10, line)
