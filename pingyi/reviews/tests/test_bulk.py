"""Bulk work: speakers by filter, reports approved together, one deadline for many problems, copied setups."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pingyi.audit.models import AuditEvent
from pingyi.ballots import actions as ballot_actions
from pingyi.ballots.models import EvaluatorGroup
from pingyi.reviews import actions
from pingyi.reviews.models import DutyReport, Problem
from pingyi.testing import make_cadre, make_review


def test_speakers_are_found_by_county_title_cohort_and_search_and_added_together(world, as_user):
    organizer = world.people.organizer
    today = timezone.localdate()
    make_cadre(world.city.qingshan, "青山镇长", titles=["镇长"], start=dt.date(today.year - 1, 3, 1),
               birth=dt.date(1986, 4, 1))  # fmt: skip
    review = make_review(organizer)
    client = as_user(organizer)
    url = reverse("add_speakers", args=[review.pk])

    def listed(**query):
        page = client.get(url, query).content.decode()
        names = [n for n in ("青山书记", "文昌书记", "柳营书记", "青山镇长") if f"<td>{n}</td>" in page]
        return sorted(names, key=lambda n: page.index(f"<td>{n}</td>"))  # as the page lists them

    assert listed() == ["文昌书记", "青山书记", "青山镇长", "柳营书记"]  # in 区划代码 order
    assert listed(county=world.city.east.pk) == ["文昌书记", "青山书记", "青山镇长"]
    assert listed(kind="secretary") == ["文昌书记", "青山书记", "柳营书记"]
    assert listed(kind="head") == ["青山镇长"]
    assert listed(since=today.year - 1) == ["青山镇长"]
    assert listed(born="1980") == ["青山镇长"]  # 80后; the secretaries were born in 1978
    assert listed(q="柳营") == ["柳营书记"]
    ids = [str(world.cadres.wenchang.pk), str(world.cadres.qingshan.pk)]
    response = client.post(url + f"?county={world.city.east.pk}", {"cadre": ids})
    assert response.status_code == 302
    assert [a.cadre.name for a in review.appraisees.order_by("order")] == ["文昌书记", "青山书记"]
    assert "批量增加述职人 2 人" in AuditEvent.objects.filter(action="appraisee_change").latest("id").summary
    assert listed() == ["青山镇长", "柳营书记"]  # those added are no longer offered
    assert listed(new_only="on") == ["青山镇长", "柳营书记"]


def test_a_speaker_outside_the_filter_or_after_the_meeting_is_not_added(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer)
    client = as_user(organizer)
    url = reverse("add_speakers", args=[review.pk])
    # A liuying id posted under the 东城区 filter is not among the candidates: nothing is added.
    refused = client.post(url + f"?county={world.city.east.pk}", {"cadre": [str(world.cadres.liuying.pk)]})
    assert refused.status_code == 400 and "请至少选择一位述职人" in refused.content.decode()
    assert not review.appraisees.exists()
    review = make_review(organizer, stage="meeting", appraisees=[world.cadres.qingshan], number=2)
    url = reverse("add_speakers", args=[review.pk])
    refused = client.post(url, {"cadre": [str(world.cadres.wenchang.pk)]})
    assert refused.status_code == 409 and "会议开始后冻结" in refused.content.decode()


def test_several_reports_are_approved_at_once_and_a_stale_choice_refuses_all(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="reporting",
                         appraisees=[world.cadres.qingshan, world.cadres.wenchang, world.cadres.liuying])  # fmt: skip
    reports = [
        actions.do_submit_report(a, organizer, text=f"{a.unit.name}述职报告") for a in review.appraisees.all()
    ]
    client = as_user(organizer)
    page = client.get(reverse("review_detail", args=[review.pk])).content.decode()
    assert page.count('name="report"') == 3 and 'id="accept-selected"' in page
    url = reverse("reports_accept", args=[review.pk])
    actions.do_decide_report(reports[2], organizer, accept=True)  # meanwhile, someone approved one
    stale = client.post(url, {"report": [str(r.pk) for r in reports]})
    assert stale.status_code == 409 and "请刷新页面后重新选择" in stale.content.decode()
    assert DutyReport.objects.filter(status="accepted").count() == 1
    done = client.post(url, {"report": [str(reports[0].pk), str(reports[1].pk)]})
    assert done.status_code == 302
    assert DutyReport.objects.filter(status="accepted").count() == 3
    assert AuditEvent.objects.filter(action="report_decide").count() == 3


def test_one_deadline_for_many_problems_and_a_printable_list(world, as_user):
    organizer = world.people.organizer
    review = make_review(
        organizer, stage="published", appraisees=[world.cadres.qingshan, world.cadres.liuying]
    )
    problems = [
        actions.do_add_problem(a, organizer, area="development", source="evaluators", description=f"{a.unit.name}产业单一")
        for a in review.appraisees.order_by("order")
    ]  # fmt: skip
    client = as_user(organizer)
    url = reverse("round_problems", args=[review.pk])
    page = client.get(url).content.decode()
    assert "青山镇产业单一" in page and "柳营乡产业单一" in page and "问题清单" in page
    deadline = timezone.localdate() + dt.timedelta(days=90)
    refused = client.post(url, {"problem": [str(p.pk) for p in problems], "deadline": "下个月"})
    assert refused.status_code == 400 and Problem.objects.filter(deadline__isnull=False).count() == 0
    assert (
        f'name="problem" value="{problems[0].pk}" aria-label="选择问题1" checked' in refused.content.decode()
    )
    done = client.post(url, {"problem": [str(p.pk) for p in problems], "deadline": deadline.isoformat()})
    assert done.status_code == 302
    assert set(Problem.objects.values_list("deadline", flat=True)) == {deadline}
    # A clerk reads the own township's list and cannot set deadlines.
    clerk = as_user(world.people.clerk)
    mine = clerk.get(url).content.decode()
    assert "青山镇产业单一" in mine and "柳营乡产业单一" not in mine and 'name="problem"' not in mine
    assert (
        clerk.post(url, {"problem": [str(problems[0].pk)], "deadline": deadline.isoformat()}).status_code
        == 403
    )


def test_a_rounds_ballot_setup_is_copied_from_an_earlier_round(world, as_user):
    organizer = world.people.organizer
    first = make_review(organizer, stage="meeting", appraisees=[world.cadres.qingshan])
    form = ballot_actions.form_for(first)
    form.rules["min_valid"] = 7
    form.save()
    ballot_actions.do_save_groups(first, organizer, [
        {"key": "leaders", "label": "市领导", "weight": 40, "head_count": 12},
        {"key": "public", "label": "群众代表", "weight": 60, "head_count": 30},
    ])  # fmt: skip
    second = make_review(organizer, appraisees=[world.cadres.wenchang], number=2)
    client = as_user(organizer)
    page = client.get(reverse("ballots_overview", args=[second.pk])).content.decode()
    assert 'id="copy-setup"' in page and "第1期" in page
    assert client.post(reverse("ballots_copy", args=[second.pk]), {"source": first.pk}).status_code == 302
    copied = list(EvaluatorGroup.objects.filter(review=second).values_list("label", "weight", "head_count"))
    assert [(label, int(w), n) for label, w, n in copied] == [("市领导", 40, 12), ("群众代表", 60, 30)]
    assert ballot_actions.form_for(second).rules["min_valid"] == 7
    ballot_actions.do_issue_tokens(EvaluatorGroup.objects.filter(review=second).first(), organizer, 1)
    refused = client.post(reverse("ballots_copy", args=[second.pk]), {"source": first.pk})
    assert refused.status_code == 409 and "已冻结" in refused.content.decode()
