from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pingyi.lib.xlsx import WorkbookError
from pingyi.org.actions import RosterRejected, do_import_roster, plan_import
from pingyi.org.readers import lrmx


class Command(BaseCommand):
    help = (
        "导入干部任免审批表（.lrmx）：可给出文件、文件夹（含子文件夹）或 .zip 压缩包，"
        "全部正确才写入，否则逐条列出 文件/项目/原因。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出变化，不写入")
        parser.add_argument("--user", help="以该用户的身份与权限范围导入（默认：不限范围）")

    def handle(self, *args, paths: list[Path], dry_run: bool, user: str | None, **options):
        items = []
        try:
            for path in paths:
                if path.is_dir():
                    found = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".lrmx", ".zip"))
                    items += [(str(p.relative_to(path)), p.read_bytes()) for p in found]
                    if len(items) > lrmx.MAX_FILES:
                        raise CommandError(f"文件数超过 {lrmx.MAX_FILES} 个，请分批导入。")
                else:
                    items.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise CommandError(f"无法读取 {exc.filename}：{exc.strerror}") from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
        try:
            data = lrmx.pack(lrmx.gather(items))
            name = paths[0].name if len(paths) == 1 else f"{len(paths)}个路径"
            plan = plan_import(data, actor) if dry_run else do_import_roster(data, actor, filename=name)
        except WorkbookError as exc:
            raise CommandError(str(exc)) from None
        except RosterRejected as exc:
            plan = exc.plan
        for p in plan.problems:
            self.stderr.write(f"{p.sheet} / {p.column} / {p.reason}")
        if plan.problems:
            raise CommandError(f"有 {len(plan.problems)} 处错误，未导入任何数据。")
        c = plan.counts()["干部名册"]
        verb = "将" if dry_run else "已"
        self.stdout.write(
            f"任免审批表：{verb}新增 {c['new']}，{verb}修改 {c['changed']}，未变 {c['unchanged']}"
        )
