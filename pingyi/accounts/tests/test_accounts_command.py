"""manage.py accounts: the account actions from the server's shell."""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from pingyi.accounts import workbook
from pingyi.accounts.models import User
from pingyi.audit.models import AuditEvent
from pingyi.lib import xlsx
from pingyi.testing import make_city, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return make_personas(make_city())


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("accounts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_bulk_creation_writes_the_slips_and_the_workbook(people, tmp_path):
    out, _ = run("--user", "organizer", "bulk", "--pattern", "{kind}{short}", "--pdf", str(tmp_path / "s.pdf"),
                 "--xlsx", str(tmp_path / "a.xlsx"), "--site-url", "https://pingyi.example.gov.cn")  # fmt: skip
    assert "已创建 2 个账号" in out
    passwords = dict(line.split("\t")[:2] for line in out.splitlines() if line.startswith(("xz", "qx")))
    assert set(passwords) == {"xz379901001", "qx379902"}
    text = PdfReader(tmp_path / "s.pdf").pages[0].extract_text()
    assert all(name in text and password in text for name, password in passwords.items())
    assert "https://pingyi.example.gov.cn/login/" in text
    sheet = xlsx.read_workbook((tmp_path / "a.xlsx").read_bytes(), {"账号": ["用户名", "初始密码"]})[0][
        "账号"
    ]
    assert {r["用户名"]: r["初始密码"] for _n, r in sheet.rows} == passwords
    assert AuditEvent.objects.filter(action="account_create", actor=people.organizer).count() == 2


def test_create_edit_disable_and_reset_from_the_shell(people):
    out, _ = run(
        "--user", "organizer", "create", "wc-clerk", "--role", "乡镇填报员", "--unit", "379901001000"
    )
    password = out.split("\t")[1]
    assert User.objects.get(username="wc-clerk").check_password(password)
    run("--user", "organizer", "edit", "wc-clerk", "--name", "赵敏")
    run("--user", "organizer", "disable", "wc-clerk")
    account = User.objects.get(username="wc-clerk")
    assert account.full_name == "赵敏" and not account.is_active
    new = run("--user", "organizer", "reset", "wc-clerk")[0].split("\t")[1]
    account.refresh_from_db()
    assert account.check_password(new) and account.must_change_password
    assert "wc-clerk\t乡镇填报员\t文昌街道\t赵敏（已停用）" in run("list")[0]


def test_the_shell_names_every_bad_row_and_refuses_without_an_organizer(people, tmp_path):
    bad = tmp_path / "账号.xlsx"
    bad.write_bytes(xlsx.write_workbook([xlsx.SheetSpec(workbook.SHEET, workbook.COLUMNS, [
        ["ok-user", None, "市领导", None], ["clerk", None, "乡镇填报员", "379901101000"]])]))  # fmt: skip
    with pytest.raises(CommandError, match="有 1 处错误，未导入任何账号"):
        run("--user", "organizer", "import", str(bad))
    assert not User.objects.filter(username="ok-user").exists()
    with pytest.raises(CommandError, match="不是组织部管理员"):
        run("--user", "leader", "reset", "clerk")
    with pytest.raises(CommandError, match="请用 --user 指定操作人"):
        run("reset", "clerk")
    with pytest.raises(CommandError, match="乡镇填报员须属于一个乡镇"):
        run("--user", "organizer", "create", "x-user", "--role", "乡镇填报员", "--unit", "379901000000")
