"""Printable slips: 8 to an A4 page, each with the QR of the ballot address and its code.

The QR holds the code in the URL fragment (…/v/#CODE): a browser never sends the
fragment to the server, so no access log anywhere can record a code.
"""

import ipaddress
import re
from urllib.parse import urlsplit

import segno
from reportlab.lib.units import mm

from pingyi.lib.slipsheet import fit, sheet, wrap

INSTRUCTION = "手机扫码或打开上述网址输入凭证码，逐项评价后提交。每张凭证只能投票一次，请妥善保管。"


LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
# Intranet DNS serves these suffixes to every device; `.local` is multicast DNS, which a phone's browser
# does not ask (Android not at all), and a single-label name relies on a search domain phones do not use.
HOST_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


def unreachable_address(base_url: str) -> str:
    """Why phones cannot open the ballot at `base_url` ("" when nothing is known to be wrong).

    Only what can be told without the network, since the intranet's names cannot be looked up here:
    the address is not a well-formed http(s) address (scheme or port mistyped, spaces); it means this
    machine (loopback, 0.0.0.0); it is a link-local address (169.254.x.x, fe80::) that a router never
    hands out; or it is a name phones do not resolve (a bare host name, `.local`). A private address
    (10.x, 172.16–31.x, 192.168.x) or a dotted intranet name is what an intranet uses, so it passes.
    """
    shown = ballot_url(base_url)
    if base_url != base_url.strip() or any(c.isspace() for c in base_url):
        return f"凭证上的投票地址“{shown}”中有空格"
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not base_url.lower().startswith(f"{parts.scheme}://"):
        return f"凭证上的投票地址 {shown} 不是以 http:// 或 https:// 开头的完整网址"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or parts.netloc.endswith(":"):
        return f"凭证上的投票地址 {shown} 的端口号写错了（应为 1–65535 的数字，如 :8000）"
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return "凭证上的投票地址没有主机名"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if (
        host in LOOPBACK_NAMES
        or host.endswith(".localhost")
        or (address and (address.is_loopback or address.is_unspecified))
    ):
        return f"凭证上的投票地址 {shown} 指向服务器本机，评议人的手机打不开"
    if address and address.is_link_local:
        return (
            f"凭证上的投票地址 {shown} 是网卡未取得地址时自动分配的链路本地地址（169.254.x.x 或 fe80::），"
            "评议人的手机打不开"
        )
    if address and (address.is_multicast or address.is_reserved):
        return f"凭证上的投票地址 {shown} 不是一台服务器的地址"
    if address:
        return ""
    if all(c.isdigit() or c == "." for c in host):
        return f"凭证上的投票地址 {shown} 不是完整的 IP 地址（应为四段数字，如 192.168.1.10）"
    labels = host.split(".")
    if not all(HOST_LABEL.fullmatch(label) for label in labels):
        return f"凭证上的投票地址 {shown} 的主机名中有不能用于网址的字符"
    if len(labels) == 1:
        return (
            f"凭证上的投票地址 {shown} 只有主机名“{host}”，没有域名后缀，评议人的手机通常解析不了"
            "（请改用服务器的内网 IP 地址或完整的内网域名）"
        )
    if labels[-1] == "local":
        return f"凭证上的投票地址 {shown} 是 .local 局域网名称，多数手机的浏览器解析不了"
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
    size = 36 * mm
    _draw_qr(pdf, segno.make(ballot_url(base_url, code), error="m"), x + pad, y + pad + 8 * mm, size)
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


def _draw_qr(pdf, qr, x, y, size):
    """The code as one vector path of dark runs, a quiet zone of one module around it: sharp at any
    printer's resolution, and a tenth of the time of an embedded PNG (encoding, then ASCII85)."""
    rows = qr.matrix
    module = size / (len(rows) + 2)
    path = pdf.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (r + 2) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + (start + 1) * module, top, (c - start) * module, module)
            else:
                c += 1
    pdf.saveState()
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()
