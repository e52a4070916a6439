from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingyi.dupcheck.actions import CorpusRejected, DupcheckError, do_import_corpus
from pingyi.dupcheck.management.files import files_in, read_bytes


class Command(BaseCommand):
    help = (
        "把文件夹中的 .txt、.docx、.html 文件导入查重范文库（含子文件夹）。全部可读取才导入，"
        "相同或几乎相同的文件合并为一篇；导入后重新检测已有的查重结果。"
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path)
        parser.add_argument(
            "--kind", choices=["template", "policy"], default="template", help="范文或政策文件"
        )
        parser.add_argument("--author", default="", help="来源（如网站名称）；不填时每个文件各算一个来源")

    def handle(self, *args, dir: Path, kind: str, author: str, **options):
        if not dir.is_dir():
            raise CommandError(f"找不到文件夹 {dir}")
        files = [(path.name, read_bytes(path)) for path in files_in(dir)]
        try:
            summary = do_import_corpus(files, kind=kind, author=author)
        except CorpusRejected as exc:
            for name, reason in exc.problems:
                self.stderr.write(f"{name}：{reason}")
            raise CommandError(str(exc)) from None
        except DupcheckError as exc:
            raise CommandError(str(exc)) from None
        for title, kept in summary.collapsed:
            self.stdout.write(f"合并：《{title}》与已入库的《{kept.title}》相同或几乎相同")
        self.stdout.write(summary.sentence())
