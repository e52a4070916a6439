import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router

from pingyi.accounts.access import get_unit_or_404, scope_unit
from pingyi.lib.apitypes import Id

from .basic import basic_figures, basic_table
from .cohort import COHORTS, Selection, figures
from .numbers import jsonable
from .pipeline import pipeline
from .speech import cohort_paragraph, pipeline_sentence

router = Router(tags=["队伍结构统计"])
# In the schema as an enumeration, so a wrong name is a 422 that lists the names.
CohortName = Literal[tuple(COHORTS)]
YEAR = Query(None, ge=1949, le=2199, description="换届年份")


@router.get(
    "/stats/cohort",
    summary="队伍结构统计",
    description="与命令 cohort_stats --json 相同的数字（口径见 docs/spec/statistics.md），另附讲话稿段落。"
    "scope 为单位 id，不填时为当前用户的全部可见范围。cohort 取值：" + "、".join(COHORTS),
)
def cohort(
    request: HttpRequest,
    as_of: dt.date | None = None,
    scope: Id | None = None,
    cohort: CohortName = "chiefs",
    year: int | None = YEAR,
):
    unit = get_unit_or_404(request.user, scope) if scope is not None else scope_unit(request.user)
    selection = Selection(as_of or dt.date.today(), unit, cohort)
    f = figures(selection.cadres(), selection.as_of)
    flow = pipeline(selection, year)
    return {
        **jsonable(f),
        **basic_figures(basic_table(selection, total=f, total_only=True)),
        "scope": unit.code if unit else None,
        "cohort": cohort,
        "pipeline": jsonable(flow),
        "paragraph": cohort_paragraph(selection, f),
        "pipeline_text": pipeline_sentence(selection, flow),
    }
