import datetime as dt

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from pingyi.accounts.access import get_unit_or_404, scope_unit

from .cohort import COHORTS, Selection, figures
from .numbers import jsonable
from .pipeline import pipeline
from .speech import cohort_paragraph, pipeline_sentence

router = Router(tags=["队伍结构统计"])


@router.get(
    "/stats/cohort",
    summary="队伍结构统计",
    description="与命令 cohort_stats --json 相同的数字（口径见 spec/statistics.md），另附讲话稿段落。"
    "scope 为单位 id，不填时为当前用户的全部可见范围。cohort 取值：" + "、".join(COHORTS),
)
def cohort(request: HttpRequest, as_of: dt.date | None = None, scope: int | None = None,
           cohort: str = "chiefs", year: int | None = None):  # fmt: skip
    if cohort not in COHORTS:
        raise HttpError(400, f"cohort 取值应为：{'、'.join(COHORTS)}")
    unit = get_unit_or_404(request.user, scope) if scope is not None else scope_unit(request.user)
    selection = Selection(as_of or dt.date.today(), unit, cohort)
    f = figures(selection.cadres(), selection.as_of)
    flow = pipeline(selection, year)
    return {
        **jsonable(f),
        "scope": unit.code if unit else None,
        "cohort": cohort,
        "pipeline": jsonable(flow),
        "paragraph": cohort_paragraph(selection, f),
        "pipeline_text": pipeline_sentence(selection, flow),
    }
