"""Demo rounds for `manage.py load_demo`: a finished 第一期 and an open 第二期.

Built through the same guarded actions as real rounds; idempotent (a round that
exists is left alone) and deterministic.
"""

import datetime as dt
import random

from django.utils import timezone

from pingyi.accounts.models import User
from pingyi.dupcheck import samples
from pingyi.dupcheck.demo import TEMPLATE_PARAGRAPH
from pingyi.lib.demo_clock import moved
from pingyi.org.models import Cadre, Post

from . import actions
from .models import Area, Review
from .wording import AREA_HEADINGS, PROBLEMS_HEADING, REPORT_OPENING

# Apps that depend on reviews add to the demo's first round while it is in 测评 (ballots).
APPRAISAL_HOOKS: list = []

FIRST_TITLE = "第一期全市乡镇（街道）党政正职述职评议会"
SECOND_TITLE = "第二期全市乡镇（街道）党政正职述职评议会"
SPEAKERS = ["市委书记", "市长", "市委副书记", "市委组织部部长"]
REMARKS = [
    "发展思路清晰，抓项目、抓招商的劲头足，{unit}的工业集中区特色正在显现。希望进一步提升产业层次，突出项目税收含金量。",
    "民生实事办得实，群众满意度较高。要正视公共服务设施的短板，把农村人居环境整治抓出成效。",
    "安全生产和信访稳定工作抓得比较紧，但风险隐患排查还不够深入，要把“网格化”机制真正用起来。",
    "班子团结、作风扎实。要进一步履行全面从严治党主体责任，带好队伍，守好廉洁底线。",
]
PROBLEMS = [
    (
        "development",
        "工业集中区主导产业不突出，亿元以上项目偏少",
        "制定产业链招商图谱，年内新签约亿元以上项目3个",
    ),
    ("development", "招商引资项目税收贡献偏低，科技含量不高", "建立项目准入评价机制，提高亩均税收门槛"),
    ("livelihood", "每万人口病床数低于全市平均水平", "推进卫生院扩建，新增床位40张"),
    ("livelihood", "农村生活污水集中处理率偏低", "分片实施管网建设，年底前处理率提高到60%"),
    (
        "safety",
        "企业安全生产主体责任落实不到位，检查发现隐患整改不及时",
        "开展“百日攻坚”专项行动，建立隐患整改台账",
    ),
    ("safety", "信访积案化解进度偏慢", "实行领导包案，逐件明确化解时限"),
    ("party", "村级党组织书记队伍老化，后备力量不足", "实施“头雁”培育计划，每村储备后备干部2名"),
    ("party", "个别干部作风不实，落实上级部署打折扣", "开展作风建设专项整治，建立督查通报制度"),
]
# Shortcomings worded from parts, so two townships do not list the same ones in the same words.
SHORTCOMINGS = [
    "{IND}产业{规模偏小|链条较短|效益不高}", "{PLACE}{PROJ}{建设滞后|进度偏慢|尚未投用}",
    "{PEO}帮扶{措施不够精准|覆盖还不全面}", "{PLACE}{矛盾纠纷|安全隐患}{仍然较多|化解不够及时}",
    "{PLACE}{村集体经济|党组织建设}{相对薄弱|有待加强}",
]  # fmt: skip


def load(stdout):
    organizer = User.objects.filter(username="zzb").first()
    clerk = User.objects.filter(username="clerk").first()
    if organizer is None:
        return
    rng = random.Random(2022)
    created = []
    if not Review.objects.filter(number=1).exists():
        created.append(_first_round(organizer, rng))
    if not Review.objects.filter(number=2).exists():
        created.append(_second_round(organizer, clerk, rng))
    stdout.write(f"述职评议：新增 {len(created)} 期，共 {Review.objects.count()} 期")


def _secretaries():
    posts = Post.objects.current().filter(is_chief=True, title__in=["党委书记", "党工委书记"])
    return (
        Cadre.objects.filter(pk__in=posts.values("cadre_id"))
        .select_related("unit", "unit__parent")
        .order_by("unit__code")
    )


def _report_text(appraisee, rng) -> str:
    """A report on the template, with the township's own villages and figures, worded as variously as real ones."""
    places = samples.villages(appraisee.unit.name)
    parts = [f"{appraisee.unit.name}{appraisee.title}{appraisee.cadre.name}述职报告", REPORT_OPENING]
    for area, (heading, _hint) in AREA_HEADINGS.items():
        body = [samples.clause(rng, places, area=area, plausible=True) for _ in range(5)]
        parts += [heading, "；".join(body) + "。"]
    found = [samples.fill(rng, places, pattern, plausible=True) for pattern in rng.sample(SHORTCOMINGS, 3)]
    parts += [PROBLEMS_HEADING, f"{appraisee.unit.name}的短板主要有：" + "；".join(found) + "。"]
    return "\n".join(parts)


def _first_round(organizer, rng) -> Review:
    people = list(_secretaries())
    chosen, seen = [], set()
    for cadre in people:  # one from each county first, then the rest by code
        county = cadre.unit.parent_id
        if county not in seen:
            chosen.append(cadre)
            seen.add(county)
    chosen += [c for c in people if c not in chosen][: 9 - len(chosen)]
    # Written for 2026-11-23 (lib/demo_clock): the meeting in June, problems due in Sep, Dec and Oct.
    deadlines = [moved(dt.date(2026, month, 30)) for month in (9, 12, 10)]
    review = actions.do_create_review(
        organizer, number=1, title=FIRST_TITLE, meeting_date=moved(dt.date(2026, 6, 18)), venue="市委会议中心第一会议室",
        # The demo builds a past round today: a June deadline would flag every report 逾期.
        speaking_minutes=8, report_deadline=None,
        requirements="请对照问题清单，逐项制定整改措施，明确责任人和整改时限，每季度报告整改进展，整改情况纳入下一期述职评议。",
    )  # fmt: skip
    for cadre in chosen[:9]:
        actions.do_add_appraisee(review, cadre, organizer)
    review = actions.do_move_stage(review, organizer, "reporting")
    for appraisee in review.appraisees.all():
        report = actions.do_submit_report(appraisee, organizer, text=_report_text(appraisee, rng))
        actions.do_decide_report(report, organizer, accept=True)
    review = actions.do_move_stage(review, organizer, "meeting")
    review = actions.do_move_stage(review, organizer, "appraisal")
    for hook in APPRAISAL_HOOKS:
        hook(review, organizer, rng)
    for i, appraisee in enumerate(review.appraisees.all()):
        for j in range(2):
            actions.do_add_remark(appraisee, organizer, speaker=SPEAKERS[(i + j) % 4],
                                  text=REMARKS[(i + j) % 4].format(unit=appraisee.unit.name))  # fmt: skip
        for k in range(3):
            area, text, measure = PROBLEMS[(i * 3 + k) % len(PROBLEMS)]
            problem = actions.do_add_problem(
                appraisee, organizer, area=area, source=["self", "remark", "evaluators"][k], description=text,
                measure=measure, owner=appraisee.cadre.name, deadline=deadlines[k],
            )  # fmt: skip
            _progress(problem, organizer, (i + k) % 5)
    review = actions.do_move_stage(review, organizer, "published")
    return actions.do_move_stage(review, organizer, "archived")


def _progress(problem, organizer, kind: int):
    """Leave the demo's problems in every state: done and signed off, done, in progress, overdue."""
    if kind in (0, 1):
        actions.do_add_progress(
            problem, organizer, text="已制定整改方案，明确时间表和责任人。", status="in_progress"
        )
        actions.do_add_progress(problem, organizer, text="整改任务已全部完成，形成长效机制。", status="done",
                                files=[("整改完成情况报告.txt", "text/plain", "整改完成情况报告（演示）".encode())])  # fmt: skip
        if kind == 0:
            actions.do_sign_off(problem, organizer)
    elif kind == 2:
        actions.do_add_progress(problem, organizer, text="已完成阶段性任务，正在推进。", status="in_progress")


def _second_round(organizer, clerk, rng) -> Review:
    first = (
        set(Review.objects.get(number=1).appraisees.values_list("cadre_id", flat=True))
        if Review.objects.filter(number=1).exists()
        else set()
    )
    candidates = [c for c in _secretaries() if c.pk not in first]
    clerk_unit = clerk.unit if clerk else None
    chosen = [c for c in candidates if clerk_unit and c.unit_id == clerk_unit.pk][:1]
    chosen += [c for c in candidates if c not in chosen][: 6 - len(chosen)]
    deadline = timezone.make_aware(dt.datetime.combine(moved(dt.date(2026, 12, 8)), dt.time(17)))
    review = actions.do_create_review(
        organizer, number=2, title=SECOND_TITLE, meeting_date=moved(dt.date(2026, 12, 16)), venue="市委会议中心第一会议室",
        speaking_minutes=8, report_deadline=deadline,
    )  # fmt: skip
    for cadre in chosen:
        actions.do_add_appraisee(review, cadre, organizer)
    review = actions.do_move_stage(review, organizer, "reporting")
    for appraisee in list(review.appraisees.all())[1:3]:
        text = _report_text(appraisee, rng)
        if appraisee.order == 3:
            # Copied from a template site: the demo's 查重 has something to show.
            heading = AREA_HEADINGS[Area.PARTY][0]
            text = text.replace(f"{heading}\n", f"{heading}\n{TEMPLATE_PARAGRAPH}")
        report = actions.do_submit_report(appraisee, organizer, text=text)
        if appraisee.order == 2:
            actions.do_decide_report(report, organizer, accept=True)
    return review
