"""Account management from the server's shell, through the same actions as the pages and the API."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pingyi.accounts import actions, credentials, workbook
from pingyi.accounts.models import Role, User
from pingyi.lib.xlsx import WorkbookError
from pingyi.org.models import Unit

ROLE_NAMES = {**{value: value for value in Role.values}, **{label: value for value, label in Role.choices}}


class Command(BaseCommand):
    help = (
        "账号管理：list / create / edit / disable / enable / reset / bulk / import。"
        "以 --user 指定的组织部管理员身份操作（首个管理员可用 createsuperuser 创建），全部记入操作日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="操作人（组织部管理员）的用户名；list 以外必填")
        sub = parser.add_subparsers(dest="command", required=True)
        sub.add_parser("list", help="列出全部账号")
        create = sub.add_parser("create", help="新建账号，打印随机初始密码")
        create.add_argument("username")
        create.add_argument("--role", required=True, help="角色：" + "、".join(Role.labels))
        create.add_argument("--unit", help="所属单位的区划代码")
        create.add_argument("--name", default="", help="姓名")
        edit = sub.add_parser("edit", help="修改账号")
        edit.add_argument("username")
        edit.add_argument("--role")
        edit.add_argument("--unit", help="区划代码；写 - 表示全市")
        edit.add_argument("--name")
        edit.add_argument("--rename", help="新的用户名")
        for name, text in [("disable", "停用账号（不删除）"), ("enable", "启用账号"), ("reset", "重置密码")]:
            sub.add_parser(name, help=text).add_argument("username")
        for name, text in [("bulk", "按单位批量创建"), ("import", "从工作簿导入")]:
            command = sub.add_parser(name, help=text)
            if name == "import":
                command.add_argument("file", type=Path)
            else:
                command.add_argument(
                    "--pattern", default=actions.DEFAULT_PATTERN, help="用户名规则：{code}、{short}、{kind}"
                )
            command.add_argument("--pdf", type=Path, help="账号通知单（PDF）写到这里")
            command.add_argument("--xlsx", type=Path, help="账号与初始密码工作簿写到这里")
            command.add_argument(
                "--site-url", default="", help="印在通知单上的本系统网址（默认 PINGYI_BALLOT_BASE_URL）"
            )

    def handle(self, *args, command: str, user: str | None, **options):
        if command == "list":
            for account in User.objects.select_related("unit").order_by("role", "unit__path", "username"):
                unit = account.unit.name if account.unit else "全市"
                state = "" if account.is_active else "（已停用）"
                self.stdout.write(
                    f"{account.username}\t{account.get_role_display()}\t{unit}\t{account.full_name}{state}"
                )
            return
        actor = self._organizer(user)
        try:
            getattr(self, f"_{command}")(actor, **options)
        except actions.AccountImportError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"有 {len(exc.problems)} 处错误，未导入任何账号。") from None
        except (actions.AccountError, WorkbookError) as exc:
            raise CommandError(str(exc)) from None

    def _organizer(self, username: str | None) -> User:
        if not username:
            raise CommandError("请用 --user 指定操作人（组织部管理员）")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None or not actor.is_organizer:
            raise CommandError(f"用户 {username} 不存在、已停用或不是组织部管理员")
        return actor

    def _account(self, username: str) -> User:
        account = User.objects.filter(username=username).first()
        if account is None:
            raise CommandError(f"账号 {username} 不存在")
        return account

    def _unit(self, code: str | None) -> Unit | None:
        if not code or code == "-":
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"找不到区划代码为 {code} 的单位")
        return unit

    def _role(self, role: str) -> str:
        if role not in ROLE_NAMES:
            raise CommandError(f"角色「{role}」无效，应为：{'、'.join(Role.labels)}")
        return ROLE_NAMES[role]

    def _issued(
        self, issued: list, pdf: Path | None = None, xlsx: Path | None = None, site_url: str = "", **options
    ):
        for item in issued:
            self.stdout.write(f"{item.user.username}\t{item.password}\t{item.user.get_role_display()}")
        if pdf:
            pdf.write_bytes(
                credentials.slips_pdf(
                    issued, login_url=self._login_url(site_url), organization=settings.ORGANIZATION_NAME
                )
            )
            self.stdout.write(f"账号通知单：{pdf}")
        if xlsx:
            xlsx.write_bytes(credentials.workbook(issued))
            self.stdout.write(f"工作簿：{xlsx}")

    def _login_url(self, site_url: str) -> str:
        base = site_url or getattr(settings, "BALLOT_BASE_URL", "")
        return f"{base.rstrip('/')}/login/" if base else "（请向组织部询问本系统网址）"

    def _create(self, actor, username, role, unit, name, **options):
        issued = actions.do_create_user(
            user=actor, username=username, role=self._role(role), unit=self._unit(unit), full_name=name
        )
        self._issued([issued])

    def _edit(self, actor, username, role, unit, name, rename, **options):
        changes = {}
        if role:
            changes["role"] = self._role(role)
        if unit:
            changes["unit"] = self._unit(unit)
        if name is not None:
            changes["full_name"] = name
        if rename:
            changes["username"] = rename
        account = actions.do_update_user(self._account(username), user=actor, **changes)
        self.stdout.write(f"已保存：{account.username} {account.get_role_display()} {account.unit or '全市'}")

    def _disable(self, actor, username, **options):
        actions.do_set_active(self._account(username), user=actor, active=False)
        self.stdout.write(f"已停用 {username}")

    def _enable(self, actor, username, **options):
        actions.do_set_active(self._account(username), user=actor, active=True)
        self.stdout.write(f"已启用 {username}")

    def _reset(self, actor, username, **options):
        self._issued([actions.do_reset_password(self._account(username), user=actor)])

    def _bulk(self, actor, pattern, **options):
        issued = actions.do_create_for_units(user=actor, pattern=pattern)
        self._issued(issued, **options)
        self.stdout.write(f"已创建 {len(issued)} 个账号")

    def _import(self, actor, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}") from None
        rows, problems = workbook.read_accounts(data, filename=file.name)
        issued = actions.do_import_users(rows, user=actor, problems=problems)
        self._issued(issued, **options)
