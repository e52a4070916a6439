from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pingyi.lib.xlsx import WorkbookError
from pingyi.org.actions import RosterRejected, do_import_roster, plan_import


class Command(BaseCommand):
    help = (
        "导入干部名册工作簿（本系统模板、干部管理信息系统导出的 .xls 干部名册、干部大数据信息提取表，"
        "格式见 docs/spec/roster.md）：全部正确才写入，否则逐条列出错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出变化，不写入")
        parser.add_argument("--user", help="以该用户的身份与权限范围导入（默认：不限范围）")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}") from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
        try:
            plan = plan_import(data, actor) if dry_run else do_import_roster(data, actor, filename=file.name)
        except WorkbookError as exc:
            raise CommandError(str(exc)) from None
        except RosterRejected as exc:
            plan = exc.plan
        if plan.layout != "own":
            from pingyi.org.readers import LAYOUTS

            self.stdout.write(f"识别为：{LAYOUTS[plan.layout]}")
        for p in plan.problems:
            self.stderr.write(f"{p.sheet} / 第{p.row}行 / {p.column} / {p.reason}")
        if plan.problems:
            raise CommandError(f"名册有 {len(plan.problems)} 处错误，未导入任何数据。")
        verb = "将" if dry_run else "已"
        for sheet, c in plan.counts().items():
            self.stdout.write(
                f"{sheet}：{verb}新增 {c['new']}，{verb}修改 {c['changed']}，未变 {c['unchanged']}"
            )
