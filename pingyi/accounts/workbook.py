"""The account import workbook: read and checked cell by cell, without the database.

One sheet 「账号」 with 用户名, 角色 (as shown: 乡镇填报员 …), 所属单位 (区划代码, or the name as the
roster writes it, 东城区/青山镇 when a name is not unique) and 姓名. actions.do_import_users then
matches the units and creates every account or none.
"""

import re
import unicodedata
from dataclasses import dataclass

from pingyi.lib import xlsx

from .models import Role

SHEET = "账号"
USERNAME, FULL_NAME, ROLE, UNIT = "用户名", "姓名", "角色", "所属单位"
ROLE_BY_LABEL = {label: value for value, label in Role.choices}
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,149}$")

COLUMNS = [
    xlsx.ColumnSpec(USERNAME, 18, text=True, comment="英文字母、数字和 . _ @ + -，如区划代码"),
    xlsx.ColumnSpec(FULL_NAME, 12),
    xlsx.ColumnSpec(ROLE, 14, choices=list(ROLE_BY_LABEL)),
    xlsx.ColumnSpec(UNIT, 22, text=True, comment="区划代码或单位名称；组织部管理员、市领导不填"),
]


@dataclass(frozen=True)
class AccountRow:
    row: int
    username: str
    full_name: str
    role: str
    unit: str  # as written: a code or a name, "" for none


def problem(row: int, column: str, reason: str) -> str:
    return f"工作表「{SHEET}」第{row}行「{column}」：{reason}"


def template() -> bytes:
    example = [["379901101000", "张三", "乡镇填报员", "379901101000"]]
    return xlsx.write_workbook(
        [xlsx.SheetSpec(SHEET, COLUMNS, example)],
        instructions=[
            "每行一个账号。导入后系统为每个账号生成随机初始密码，只显示一次（可打印账号通知单）。",
            "角色：组织部管理员、市领导（不填所属单位）；县区联络员（填县、市、区）；乡镇填报员（填乡镇、街道）。",
            "任何一行有错误时，整个文件都不导入，并列出每个错误的行号、列名和原因。",
        ],
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_accounts(data: bytes, filename: str = "") -> tuple[list[AccountRow], list[str]]:
    """The rows and every problem found in them; xlsx.WorkbookError if the file itself is unusable."""
    sheets, cell_problems = xlsx.read_workbook(
        data, {SHEET: [USERNAME, ROLE]}, optional={SHEET: [FULL_NAME, UNIT]}
    )
    problems = [problem(p.row, p.column, p.reason) for p in cell_problems]
    rows, seen = [], {}
    for number, values in sheets[SHEET].rows:
        username, role_label = _text(values[USERNAME]), _text(values[ROLE])
        if not username:
            problems.append(problem(number, USERNAME, "不能为空"))
        elif not USERNAME_RE.match(username):
            problems.append(problem(number, USERNAME, f"「{username}」只能使用英文字母、数字和 . _ @ + -"))
        elif username.casefold() in seen:
            problems.append(problem(number, USERNAME, f"「{username}」与第{seen[username.casefold()]}行重复"))
        else:
            seen[username.casefold()] = number
        if role_label not in ROLE_BY_LABEL:
            choices = "、".join(ROLE_BY_LABEL)
            problems.append(problem(number, ROLE, f"「{role_label}」不是有效的角色（应为{choices}）"))
        rows.append(
            AccountRow(
                number, username, _text(values.get(FULL_NAME))[:40], ROLE_BY_LABEL.get(role_label, ""),
                _text(values.get(UNIT)),
            )
        )  # fmt: skip
    return rows, problems
