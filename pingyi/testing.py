"""Test factories: small make_* functions and one named persona per role.

A tiny city, so every test can say exactly who should see what:

    示例市 ─┬─ 东城区 ─┬─ 青山镇   (clerk)
            │          └─ 文昌街道
            └─ 西河县 ─── 柳营乡   (outsider: clerk of another county's township)
"""

import datetime as dt
from types import SimpleNamespace

from pingyi.accounts.models import Role, User
from pingyi.lib import xlsx
from pingyi.org.actions import new_post, rebuild_resume_entries
from pingyi.org.models import Cadre, Unit
from pingyi.org.roster import CADRE_COLUMNS, CADRE_SHEET, UNIT_COLUMNS, UNIT_SHEET
from pingyi.org.vocab import Education

PASSWORD = "correct horse battery"


def make_unit(code: str, name: str, kind: str, parent: Unit | None = None, population=None) -> Unit:
    path = (parent.path if parent else "") + f"{code}/"
    return Unit.objects.create(
        code=code, name=name, kind=kind, parent=parent, path=path, population=population
    )


def make_city() -> SimpleNamespace:
    city = make_unit("379900000000", "示例市", "市", population=1_000_000)
    east = make_unit("379901000000", "东城区", "区", city, population=300_000)
    west = make_unit("379902000000", "西河县", "县", city, population=200_000)
    return SimpleNamespace(
        city=city,
        east=east,
        west=west,
        qingshan=make_unit("379901101000", "青山镇", "镇", east, population=40_000),
        wenchang=make_unit("379901001000", "文昌街道", "街道", east, population=60_000),
        liuying=make_unit("379902201000", "柳营乡", "乡", west, population=20_000),
    )


def make_cadre(
    unit: Unit,
    name: str = "张明",
    *,
    birth=dt.date(1978, 5, 1),
    titles=("党委书记",),
    start=dt.date(2021, 9, 1),
    end=None,
    **fields,
) -> Cadre:
    fields.setdefault("gender", "男")
    fields.setdefault("ethnicity", "汉族")
    fields.setdefault("education_fulltime", Education.BACHELOR)
    cadre = Cadre.objects.create(unit=unit, name=name, birth=birth, **fields)
    for title in titles:
        new_post(cadre, unit, title, start, end).save()
    if cadre.resume:
        rebuild_resume_entries([cadre])
    return cadre


def make_user(username: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit)
    user.full_name = username
    user.save()
    return user


def make_personas(city: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(
        organizer=make_user("organizer", Role.ORGANIZER),
        leader=make_user("leader", Role.CITY_LEADER),
        liaison=make_user("liaison", Role.COUNTY_LIAISON, city.east),
        clerk=make_user("clerk", Role.TOWNSHIP_CLERK, city.qingshan),
        outsider=make_user("outsider", Role.TOWNSHIP_CLERK, city.liuying),
    )


UNIT_HEADERS = [c.name for c in UNIT_COLUMNS]
CADRE_HEADERS = [c.name for c in CADRE_COLUMNS]


def cadre_values(**overrides) -> dict:
    """One good 干部名册 row, as a dict keyed by column name."""
    row = {
        "姓名": "李华", "性别": "女", "民族": "汉族", "出生年月": "1985.03", "籍贯": "本省示例市",
        "政治面貌": "中共党员", "入党时间": "2006.06", "参加工作时间": "2007.07",
        "全日制学历": "大学本科", "全日制学位": "学士", "全日制毕业院校及专业": "示例大学法学专业",
        "在职学历": "硕士研究生", "在职学位": None, "在职毕业院校及专业": "省委党校",
        "单位": "青山镇", "现任职务": "镇长", "任现职时间": "2021.09", "身份证号": None,
        "简历": "2003.09--2007.07  示例大学法学专业学习\n2007.07--2021.09  东城区青山镇科员、副镇长\n"
        "2021.09--  东城区青山镇镇长",
    }  # fmt: skip
    row.update(overrides)
    return row


def roster_bytes(cadres: list[dict], units: list[list] | None = None) -> bytes:
    """A roster workbook written the way the system writes them."""
    return xlsx.write_workbook(
        [
            xlsx.SheetSpec(UNIT_SHEET, UNIT_COLUMNS, units or []),
            xlsx.SheetSpec(CADRE_SHEET, CADRE_COLUMNS, [[r.get(h) for h in CADRE_HEADERS] for r in cadres]),
        ]
    )


def make_review(organizer, *, stage: str = "preparing", appraisees=(), **fields):
    """A review round moved through the real guarded actions up to `stage`."""
    from pingyi.reviews import actions
    from pingyi.reviews.models import STAGE_ORDER, Stage

    fields.setdefault("title", "第一期全市乡镇（街道）党政正职述职评议会")
    fields.setdefault("meeting_date", dt.date(2026, 12, 1))
    review = actions.do_create_review(organizer, **fields)
    for cadre in appraisees:
        actions.do_add_appraisee(review, cadre, organizer)
    for target in STAGE_ORDER[1 : STAGE_ORDER.index(Stage(stage)) + 1]:
        review = actions.do_move_stage(review, organizer, target)
    return review
