import datetime as dt

import pytest

from pingyi.org.resume import NOTE, OK, UNPARSED, parse_resume


def d(year, month):
    return dt.date(year, month, 1)


@pytest.mark.parametrize(
    "line",
    [
        "1994.07--2001.12  青山镇党委委员",
        "1994.07—2001.12 青山镇党委委员",
        "1994.07——2001.12 青山镇党委委员",
        "1994.07-2001.12青山镇党委委员",
        "1994.07至2001.12 青山镇党委委员",
        "1994.07～2001.12 青山镇党委委员",
        "1994.7--2001.12  青山镇党委委员",
        "1994．07－－2001．12　青山镇党委委员",
    ],
)
def test_separators_all_give_the_same_period(line):
    [entry] = parse_resume(line)
    assert entry.status == OK
    assert (entry.start, entry.end, entry.text) == (d(1994, 7), d(2001, 12), "青山镇党委委员")


@pytest.mark.parametrize(
    "line", ["2021.09--  青山镇党委书记", "2021.09--至今 青山镇党委书记", "2021.09至今 青山镇党委书记"]
)
def test_open_end_is_the_present_post(line):
    [entry] = parse_resume(line)
    assert entry.status == OK
    assert entry.start == d(2021, 9) and entry.end is None
    assert entry.text == "青山镇党委书记"


def test_unreadable_lines_are_kept_and_flagged_in_order():
    resume = "\n".join(
        [
            "1990.09--1994.07  山东大学中文系汉语言文学专业学习",
            "2003--2005 在某单位挂职锻炼",
            "（其间：2008.09--2011.07 在省委党校研究生班在职学习）",
            "1994.13--1996.01  某局科员",
            "2001.12--1998.01  某镇副镇长",
            "",
            "2021.09--",
        ]
    )
    entries = parse_resume(resume)
    assert [e.status for e in entries] == [OK, UNPARSED, NOTE, UNPARSED, UNPARSED, UNPARSED]
    assert entries[1].raw == "2003--2005 在某单位挂职锻炼"
    assert "起止年月" in entries[1].problem
    assert "月份应为 01–12" in entries[3].problem
    assert "早于" in entries[4].problem
    assert entries[5].problem == "缺少单位职务"
    assert [e.line_no for e in entries] == [1, 2, 3, 4, 5, 7]
