"""Every role's home page says what to do next; a round's 催报 list names who has not submitted."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from pingyi.lib.todo import for_user
from pingyi.reviews import actions
from pingyi.testing import make_review


def keys(user):
    return {t.key: t for t in for_user(user, timezone.localdate())}


@pytest.fixture
def round_(world):
    organizer = world.people.organizer
    review = make_review(
        organizer,
        stage="reporting",
        appraisees=[world.cadres.qingshan, world.cadres.wenchang, world.cadres.liuying],
        report_deadline=timezone.now() + dt.timedelta(days=3),
    )
    return review


def test_the_organizer_is_shown_reports_to_review_and_the_rounds_next_step(world, round_):
    wenchang = round_.appraisees.get(cadre=world.cadres.wenchang)
    actions.do_submit_report(wenchang, world.people.organizer, text="文昌街道述职报告")
    todo = keys(world.people.organizer)
    assert todo["review-1-reports"].text == "第1期有 1 份述职报告待审核"
    assert todo["review-1-reports"].count == 1
    assert todo["review-1-step"].text == "第1期处于「报告提交」阶段：下一步进入「会议」，2 项未就绪"
    assert todo["review-1-step"].link == reverse("review_stage", args=[round_.pk])


def test_overdue_problems_and_sign_offs_are_counted_for_the_organizer(world, round_):
    today = timezone.localdate()
    own = round_.appraisees.get(cadre=world.cadres.qingshan)
    actions.do_add_problem(own, world.people.clerk, area="safety", source="self", description="隐患排查不到位",
                           deadline=today - dt.timedelta(days=1))  # fmt: skip
    finished = actions.do_add_problem(
        own, world.people.clerk, area="party", source="self", description="学习不够"
    )
    actions.do_add_progress(finished, world.people.clerk, text="已整改", status="done")
    todo = keys(world.people.organizer)
    assert todo["overdue"].text == "1 个问题整改逾期" and todo["overdue"].urgent
    assert todo["signoff"].text == "1 个问题已整改完成，待审核销号"


def test_the_clerk_sees_the_report_due_with_its_deadline_then_its_return(world, as_user, round_):
    clerk = world.people.clerk
    deadline = timezone.localtime(round_.report_deadline)
    due = keys(clerk)["review-1-due"]
    assert due.text == f"第1期 青山镇青山书记：述职报告待提交（截止 {deadline:%Y年%-m月%-d日 %H:%M}）"
    own = round_.appraisees.get(cadre=world.cadres.qingshan)
    assert due.link == reverse("appraisee_detail", args=[own.pk]) + "#report"
    report = actions.do_submit_report(own, clerk, text="青山镇述职报告")
    assert "review-1-due" not in keys(clerk)
    actions.do_decide_report(report, world.people.organizer, accept=False, reason="请补充民生部分")
    returned = keys(clerk)["review-1-returned"]
    assert (
        returned.text == "第1期 青山镇青山书记：述职报告被退回，请修改后重新提交（退回理由：请补充民生部分）"
    )
    home = as_user(clerk).get(reverse("home")).content.decode()
    assert "请补充民生部分" in home and "暂无数据，请先" not in home and "青山镇" in home


def test_the_liaison_gets_the_countys_summary(world, round_):
    todo = keys(world.people.liaison)
    assert todo["review-1-due"].text.startswith("第1期 2 个乡镇（街道）述职报告待提交")
    assert "青山镇、文昌街道" in todo["review-1-due"].text
    assert todo["review-1-due"].link == reverse("review_reminders", args=[round_.pk])


def test_a_leader_is_told_where_the_rounds_stand(world, round_):
    todo = keys(world.people.leader)
    assert todo["review-1"].text.startswith("第1期处于「报告提交」阶段")


def test_the_reminder_list_names_who_has_not_submitted_printable_and_exportable(world, as_user, round_):
    own = round_.appraisees.get(cadre=world.cadres.qingshan)
    actions.do_submit_report(own, world.people.clerk, text="青山镇述职报告")
    url = reverse("review_reminders", args=[round_.pk])
    page = as_user(world.people.organizer).get(url).content.decode()
    assert "以下 <b>2</b> 位同志的述职报告尚未报送" in page
    assert "文昌书记" in page and "柳营书记" in page and "青山书记" not in page
    assert 'class="print-only print-head"' in page and "关于催报述职报告的通知" in page
    workbook = as_user(world.people.organizer).get(url + "?format=xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["催报名单"]
    rows = [(row[2], row[5]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [("文昌街道", "未提交"), ("柳营乡", "未提交")]


def test_the_reminder_list_is_scoped(world, as_user, round_):
    page = as_user(world.people.liaison).get(reverse("review_reminders", args=[round_.pk])).content.decode()
    assert "文昌书记" in page and "柳营书记" not in page  # 柳营乡 is another county's


def test_the_liaisons_home_has_a_row_per_township_of_the_county(world, as_user, round_):
    today = timezone.localdate()
    qingshan = round_.appraisees.get(cadre=world.cadres.qingshan)
    report = actions.do_submit_report(qingshan, world.people.clerk, text="青山镇述职报告")
    actions.do_decide_report(report, world.people.organizer, accept=False, reason="请补充数据")
    actions.do_add_problem(qingshan, world.people.clerk, area="safety", source="self", description="隐患排查不到位",
                           deadline=today - dt.timedelta(days=3))  # fmt: skip
    page = as_user(world.people.liaison).get(reverse("home")).content.decode()
    summary = page[
        page.index('id="county-summary"') : page.index("</section>", page.index('id="county-summary"'))
    ]
    assert "<th>第1期述职报告</th><th>整改问题</th>" in summary
    assert "<td>青山镇</td>" in summary and "<td>文昌街道</td>" in summary and "柳营乡" not in summary
    assert 'class="danger">已退回</a>' in summary and "1 个整改中，1 个逾期" in summary
    assert ">未提交</a>" in summary  # 文昌街道
    assert 'id="county-summary"' not in as_user(world.people.clerk).get(reverse("home")).content.decode()
