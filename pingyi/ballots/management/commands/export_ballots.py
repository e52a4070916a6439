import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingyi.ballots.count.record import AuditRecord, RecordError
from pingyi.ballots.publish import audit_record
from pingyi.reviews.models import Review


class Command(BaseCommand):
    help = "导出第N期的审计记录（docs/spec/scoring.md），可用 recount 复核计票结果。"

    def add_arguments(self, parser):
        parser.add_argument("review", type=int, help="期数")
        parser.add_argument("--out", type=Path, required=True, help="输出的 JSON 文件")

    def handle(self, *args, review: int, out: Path, **options):
        the_review = Review.objects.filter(number=review).first()
        if the_review is None:
            raise CommandError(f"找不到第{review}期述职评议会")
        publication = getattr(the_review, "publication", None)
        try:
            # A published round exports exactly what was published.
            record = (
                publication.record
                if publication
                else AuditRecord.from_json(audit_record(the_review)).to_json()
            )
        except RecordError as exc:
            raise CommandError(f"第{review}期的测评数据不完整：{exc}") from None
        out.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"已导出第{review}期审计记录：{len(record['ballots'])} 张选票 → {out}")
