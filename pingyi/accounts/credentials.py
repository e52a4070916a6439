"""Initial passwords on paper and in a workbook: made once, from the passwords just set, never stored.

The slips are laid out like the ballot slips (lib/slipsheet): 8 to an A4 page with dashed cut lines,
one per person, to be cut apart and handed over in a sealed envelope.
"""

from reportlab.lib.units import mm

from pingyi.lib import xlsx
from pingyi.lib.slipsheet import fit, sheet, wrap

NOTICE = "首次登录后系统将要求修改密码（至少10位，含字母和数字）。请妥善保管本单，不要转交他人；遗失请联系组织部重置。"
SHEET = "账号"
COLUMNS_SPEC = [
    xlsx.ColumnSpec("用户名", 18, text=True),
    xlsx.ColumnSpec("初始密码", 18, text=True),
    xlsx.ColumnSpec("姓名", 12),
    xlsx.ColumnSpec("角色", 12),
    xlsx.ColumnSpec("所属单位", 20),
    xlsx.ColumnSpec("区划代码", 16, text=True),
]


def _row(issued) -> list:
    account = issued.user
    unit = account.unit
    return [
        account.username,
        issued.password,
        account.full_name or None,
        account.get_role_display(),
        unit.qualified_name() if unit else "全市",
        unit.code if unit else None,
    ]


def workbook(issued: list) -> bytes:
    return xlsx.write_workbook(
        [xlsx.SheetSpec(SHEET, COLUMNS_SPEC, [_row(i) for i in issued])],
        instructions=["本表含初始密码，分发后请删除或妥善保管。", NOTICE],
    )


def slips_pdf(issued: list, *, login_url: str, organization: str) -> bytes:
    def draw(pdf, font, x, y, w, h, item):
        _slip(pdf, font, x, y, w, h, item, login_url, organization)

    return sheet("账号与初始密码", issued, draw)


def _slip(pdf, font, x, y, w, h, item, login_url, organization):
    account = item.user
    pad = 6 * mm
    top = y + h - pad
    pdf.setFont(font, 10.5)
    pdf.drawString(x + pad, top - 8, fit(pdf, font, 10.5, "述职评议系统 · 账号通知单", w - 2 * pad))
    pdf.setFont(font, 8)
    pdf.drawString(x + pad, top - 20, fit(pdf, font, 8, organization, w - 2 * pad))
    unit = account.unit.qualified_name() if account.unit else "全市"
    lines = [
        ("单位", unit),
        ("角色", account.get_role_display()),
        ("姓名", account.full_name or "（由本人登录后核对）"),
    ]
    for i, (label, value) in enumerate(lines):
        pdf.setFont(font, 9)
        pdf.drawString(x + pad, top - 38 - i * 13, f"{label}：{fit(pdf, font, 9, value, w - 2 * pad - 30)}")
    pdf.setFont(font, 8)
    pdf.drawString(x + pad, top - 86, "用户名")
    pdf.drawString(x + w / 2, top - 86, "初始密码")
    pdf.setFont("Courier-Bold", 13)
    pdf.drawString(x + pad, top - 101, fit(pdf, "Courier-Bold", 13, account.username, w / 2 - pad - 4))
    pdf.drawString(x + w / 2, top - 101, item.password)
    pdf.setFont(font, 8)
    pdf.drawString(x + pad, top - 118, fit(pdf, font, 8, f"登录地址：{login_url}", w - 2 * pad))
    pdf.setFont(font, 7.5)
    for i, line in enumerate(wrap(pdf, font, 7.5, NOTICE, w - 2 * pad)):
        pdf.drawString(x + pad, y + pad + 10 - i * 10, line)
