from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingyi.org.lrmx_export import iter_files, unique_names
from pingyi.org.models import Cadre, Unit


class Command(BaseCommand):
    help = "导出干部任免审批表（.lrmx）：每名干部一个文件，写入 --out 目录；--scope 限定某单位及其下属。"

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="输出目录（不存在时创建）")
        parser.add_argument("--scope", help="范围：单位的12位区划代码（默认全部）")

    def handle(self, *args, out: Path, scope: str | None, **options):
        cadres = Cadre.objects.all()
        if scope:
            unit = Unit.objects.filter(code=scope).first()
            if unit is None:
                raise CommandError(f"找不到区划代码为 {scope} 的单位")
            cadres = cadres.within(unit)
        try:
            out.mkdir(parents=True, exist_ok=True)
            count = 0
            for name, data in unique_names(iter_files(cadres)):
                (out / name).write_bytes(data)
                count += 1
        except OSError as exc:
            raise CommandError(f"无法写入 {exc.filename}：{exc.strerror}") from None
        self.stdout.write(f"已导出 {count} 份任免审批表到 {out}")
