"""The speech's sentences with the figures filled in (seed 001)."""

import math

from .cohort import SECRETARY_TITLES, Selection
from .numbers import shown


def cohort_paragraph(selection: Selection, f: dict) -> str:
    """目前，全市***名乡镇（街道）党政正职，平均年龄**岁，其中**%是“70后”、**人在35岁以下；…"""
    if not f["count"]:
        return f"截至{_date(selection)}，{selection.scope_name}没有符合条件的{selection.cohort_label}。"
    education = (
        "全部具有本科以上学历"
        if f["bachelor_or_above"] == f["count"]
        else f"{f['bachelor_or_above']}人具有本科以上学历（占{shown(f['bachelor_or_above_pct'])}%）"
    )
    return (
        f"目前，{selection.scope_name}{f['count']}名{selection.cohort_label}，"
        f"平均年龄{shown(f['mean_age'])}岁，其中{shown(f['born_1970s_pct'])}%是“70后”、"
        f"{f['age_35_or_under']}人在35岁以下；{education}，其中硕士研究生{f['masters']}人。"
    )


def pipeline_sentence(selection: Selection, p: dict) -> str:
    """目前，全市**名县（市、区）党政领导班子成员中，有**名具有乡镇党政正职任职经历，占比超过**%。…"""
    if not p["team_members"]:
        return f"{selection.scope_name}暂无县（市、区）党政领导班子成员的任职数据。"
    text = (
        f"目前，{selection.scope_name}{p['team_members']}名县（市、区）党政领导班子成员中，"
        f"有{p['with_township_chief']}名具有乡镇党政正职任职经历，占比{_at_least(p['with_township_chief_pct'])}%。"
    )
    if p["promoted"]:
        text += (
            f"{p['year']}年换届期间，新提拔进县（市、区）党政领导班子的{p['promoted']}人中，"
            f"直接从乡镇党政正职提拔的有{p['promoted_from_township_chief']}人，"
            f"占{shown(p['promoted_from_township_chief_pct'])}%。"
        )
    return text


def _at_least(value) -> str:
    """The speech says 占比超过**%: a whole number below the exact share, unless it is whole."""
    if value == value.to_integral_value():
        return shown(value)
    return f"超过{math.floor(value)}"


def _date(selection: Selection) -> str:
    d = selection.as_of
    return f"{d.year}年{d.month}月{d.day}日"


def speakers_sentence(selection: Selection, f: dict) -> str:
    """从今天发言的*位乡镇（街道）党（工）委书记来看，年龄最大的是68年出生的，…80后的有*位。"""
    review = selection.review
    if not f["count"]:
        return f"{review.label}尚无述职人。"
    secretaries = all(
        any(part in SECRETARY_TITLES for part in a.title.split("、")) for a in review.appraisees.all()
    )
    who = "乡镇（街道）党（工）委书记" if secretaries else "乡镇（街道）党政正职"
    oldest, youngest = f["oldest_birth"], f["youngest_birth"]
    return (
        f"从{review.label}发言的{f['count']}位{who}来看，年龄最大的是{oldest[2:4]}年出生的，"
        f"年龄最小的是{youngest[2:4]}年出生的，80后的有{f['born_1980s']}位。"
    )
