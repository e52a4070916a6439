from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingyi.org.models import Cadre, Unit
from pingyi.org.roster_export import roster_workbook


class Command(BaseCommand):
    help = (
        "导出干部名册工作簿（本系统格式，见 docs/spec/roster.md），身份证号完整写出："
        "该文件与系统同样敏感，请妥善保管。--scope 限定某单位及其下属。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="输出文件 .xlsx")
        parser.add_argument("--scope", help="范围：单位的12位区划代码（默认全部）")

    def handle(self, *args, out: Path, scope: str | None, **options):
        units, cadres = Unit.objects.all(), Cadre.objects.all()
        if scope:
            unit = Unit.objects.filter(code=scope).first()
            if unit is None:
                raise CommandError(f"找不到区划代码为 {scope} 的单位")
            units, cadres = units.within(unit), cadres.within(unit)
        try:
            out.write_bytes(roster_workbook(units, cadres))
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror}") from None
        self.stdout.write(f"已导出 {cadres.count()} 名干部到 {out}")
