import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from pingyi.org.models import Unit
from pingyi.reviews.models import Review
from pingyi.stats.basic import basic_figures, basic_table
from pingyi.stats.changes import changes_json
from pingyi.stats.cohort import COHORTS, Selection, figures
from pingyi.stats.numbers import jsonable
from pingyi.stats.pipeline import pipeline
from pingyi.stats.report import comparison
from pingyi.stats.speech import cohort_paragraph, pipeline_sentence, speakers_sentence


class Command(BaseCommand):
    help = "队伍结构统计（口径见 docs/spec/statistics.md）：默认输出讲话稿中的段落，--json 输出全部数字。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", default=dt.date.today().isoformat(), help="统计截止日 YYYY-MM-DD（默认今天）"
        )
        parser.add_argument("--scope", help="范围：单位的12位区划代码（默认全市）")
        parser.add_argument("--cohort", default="chiefs", choices=list(COHORTS), help="统计对象")
        parser.add_argument("--review", type=int, help="第N期述职评议会的述职人（发言人）")
        parser.add_argument("--year", type=int, help="换届年份（默认：现任班子成员最多的首次进班子年份）")
        parser.add_argument(
            "--compare",
            choices=["year", "transition", "none"],
            default="none",
            help="与上年同期（year）或换届前（transition）对比，在段落后加一句变化（默认不对比）",
        )
        parser.add_argument("--since", help="对比日期 YYYY-MM-DD（给出时按此日期对比）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, as_of, scope, cohort, review, year, compare, since, json: bool, **options):
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"统计截止日「{as_of}」格式不对，应为 YYYY-MM-DD") from None
        since_date = None
        if since:
            try:
                since_date = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"对比日期「{since}」格式不对，应为 YYYY-MM-DD") from None
            if since_date >= as_of_date:
                raise CommandError("对比日期应早于统计截止日")
            compare = "date"
        unit = None
        if scope:
            unit = Unit.objects.filter(code=scope).first()
            if unit is None:
                raise CommandError(f"找不到区划代码为 {scope} 的单位")
        the_review = None
        if review is not None:
            the_review = Review.objects.filter(number=review).first()
            if the_review is None:
                raise CommandError(f"找不到第{review}期述职评议会")
        selection = Selection(as_of_date, unit, cohort, the_review)
        result = figures(selection.cadres(), as_of_date)
        table = basic_table(selection, total=result, total_only=True)
        if json:
            result.update(basic_figures(table))
        if the_review is not None:
            if json:
                self.stdout.write(_dumps({**jsonable(result), "scope": scope or None, "review": review}))
            else:
                self.stdout.write(speakers_sentence(selection, result))
            return
        flow = pipeline(selection, year)
        change = comparison(selection, result, table, compare, since_date)
        if json:
            out = {**jsonable(result), "scope": scope or None, "cohort": cohort, "pipeline": jsonable(flow)}
            if change is not None:
                out["changes"] = changes_json(change)
            self.stdout.write(_dumps(out))
            return
        self.stdout.write(cohort_paragraph(selection, result) + (change.sentence if change else ""))
        self.stdout.write(pipeline_sentence(selection, flow))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
