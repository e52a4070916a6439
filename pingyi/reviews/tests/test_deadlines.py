"""The 整改时限 is the organizer's: a township asks for an extension (延期申请), the organizer decides,
and 逾期 follows the deadline as granted. Every edit is in the audit log with its old and new values."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pingyi.audit.models import AuditEvent
from pingyi.reviews import actions
from pingyi.reviews.models import DeadlineExtension, Problem
from pingyi.testing import make_review


@pytest.fixture
def overdue(world):
    """A published round; 青山镇's problem was due yesterday and is not done: 逾期."""
    review = make_review(world.people.organizer, stage="published", appraisees=[world.cadres.qingshan])
    appraisee = review.appraisees.get()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return actions.do_add_problem(appraisee, world.people.organizer, area="development", source="remark",
                                  description="产业层次偏低", measure="引进企业", deadline=yesterday)  # fmt: skip


def status(client, problem) -> str:
    page = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
    return page.split('id="problem-status">')[1].split("<")[0]


def test_a_clerk_cannot_move_the_deadline_to_clear_the_overdue_mark(world, as_user, overdue):
    clerk = as_user(world.people.clerk)
    assert status(clerk, overdue) == "逾期"
    next_year = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    refused = clerk.post(
        reverse("problem_measure", args=[overdue.pk]),
        {"measure": "引进两家企业", "owner": "镇长", "deadline": next_year},
    )
    assert refused.status_code == 403
    assert "整改时限由组织部确定，不能自行修改" in refused.content.decode()
    assert "引进两家企业" in refused.content.decode()  # what was typed is kept
    overdue.refresh_from_db()
    assert overdue.deadline == timezone.localdate() - dt.timedelta(days=1) and overdue.measure == "引进企业"
    assert status(clerk, overdue) == "逾期"
    with pytest.raises(Exception, match="整改时限由组织部确定"):
        actions.do_update_problem(overdue, world.people.liaison, deadline=timezone.localdate())
    # The measure itself is the township's to change, the deadline sent back as it was.
    kept = clerk.post(
        reverse("problem_measure", args=[overdue.pk]),
        {"measure": "引进两家企业", "owner": "镇长", "deadline": overdue.deadline.isoformat()},
    )
    assert kept.status_code == 302
    event = AuditEvent.objects.filter(action="problem_edit").latest("id")
    assert event.detail["old"] == {"measure": "引进企业", "owner": ""}
    assert event.detail["new"] == {"measure": "引进两家企业", "owner": "镇长"}
    assert "整改措施：引进企业 → 引进两家企业" in event.summary


def test_an_extension_granted_moves_the_deadline_and_the_overdue_mark_with_it(world, as_user, overdue):
    clerk, organizer = as_user(world.people.clerk), as_user(world.people.organizer)
    wanted = timezone.localdate() + dt.timedelta(days=30)
    no_reason = clerk.post(reverse("extension_request", args=[overdue.pk]), {"deadline": wanted.isoformat()})
    assert no_reason.status_code == 400 and "延期理由" in no_reason.content.decode()
    asked = clerk.post(
        reverse("extension_request", args=[overdue.pk]),
        {"deadline": wanted.isoformat(), "reason": "项目审批未完成"},
    )
    assert asked.status_code == 302
    # Pending changes nothing: still 逾期, and a second request waits for the first.
    assert status(clerk, overdue) == "逾期"
    again = clerk.post(
        reverse("extension_request", args=[overdue.pk]), {"deadline": wanted.isoformat(), "reason": "再申请"}
    )
    assert again.status_code == 400 and "已有一份待审批的延期申请" in again.content.decode()
    extension = DeadlineExtension.objects.get()
    assert (
        as_user(world.people.clerk)
        .post(reverse("extension_decide", args=[extension.pk]), {"grant": "1"})
        .status_code
        == 403
    )
    assert organizer.post(reverse("extension_decide", args=[extension.pk]), {"grant": "1"}).status_code == 302
    overdue.refresh_from_db()
    assert overdue.deadline == wanted and not overdue.is_overdue(timezone.localdate())
    assert status(clerk, overdue) == "未开始"
    event = AuditEvent.objects.get(action="extension_decide")
    assert event.detail["old"] == {"deadline": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}
    assert event.detail["new"] == {"deadline": wanted.isoformat()}
    assert f"整改时限 {event.detail['old']['deadline']} → {wanted.isoformat()}" in event.summary
    assert AuditEvent.objects.get(action="extension_request").detail["reason"] == "项目审批未完成"


def test_a_refused_extension_leaves_the_deadline_and_needs_a_reason(world, as_user, overdue):
    wanted = timezone.localdate() + dt.timedelta(days=90)
    extension = actions.do_request_extension(
        overdue, user=world.people.clerk, deadline=wanted, reason="资金未到位"
    )
    organizer = as_user(world.people.organizer)
    silent = organizer.post(reverse("extension_decide", args=[extension.pk]), {"refuse": "1"})
    assert silent.status_code == 409 and "不同意延期须说明理由" in silent.content.decode()
    organizer.post(reverse("extension_decide", args=[extension.pk]), {"refuse": "1", "note": "按期完成"})
    extension.refresh_from_db()
    overdue.refresh_from_db()
    assert extension.status == "refused" and extension.note == "按期完成"
    assert overdue.deadline == timezone.localdate() - dt.timedelta(days=1) and overdue.is_overdue()
    page = as_user(world.people.clerk).get(reverse("problem_detail", args=[overdue.pk])).content.decode()
    assert "未同意：按期完成" in page and 'id="extension-form"' in page  # may ask again


def test_extensions_are_scoped_and_checked(world, as_user, overdue):
    later = timezone.localdate() + dt.timedelta(days=10)
    outsider = as_user(world.people.outsider)
    assert outsider.post(reverse("extension_request", args=[overdue.pk]),
                         {"deadline": later.isoformat(), "reason": "x"}).status_code == 404  # fmt: skip
    leader = as_user(world.people.leader)
    assert leader.post(reverse("extension_request", args=[overdue.pk]),
                       {"deadline": later.isoformat(), "reason": "x"}).status_code == 403  # fmt: skip
    earlier = timezone.localdate() - dt.timedelta(days=5)
    with pytest.raises(actions.ReviewError, match="应晚于现在的整改时限"):
        actions.do_request_extension(overdue, user=world.people.clerk, deadline=earlier, reason="提前")
    assert not DeadlineExtension.objects.exists()


def test_the_organizer_sets_the_deadline_and_the_audit_log_keeps_old_and_new(world, overdue):
    new = timezone.localdate() + dt.timedelta(days=60)
    actions.do_update_problem(overdue, world.people.organizer, deadline=new)
    event = AuditEvent.objects.filter(action="problem_edit").latest("id")
    old = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert event.detail == {
        "problem": overdue.pk,
        "old": {"deadline": old},
        "new": {"deadline": new.isoformat()},
    }
    actions.do_add_progress(overdue, world.people.clerk, text="已完成", status="done")
    progress = AuditEvent.objects.get(action="problem_progress")
    assert (progress.detail["old"], progress.detail["new"]) == ({"status": "not_started"}, {"status": "done"})
    assert progress.summary == "未开始 → 已完成：已完成"
    assert Problem.objects.get(pk=overdue.pk).status == "done"


def test_a_report_decision_is_audited_with_the_status_before_and_after(world):
    review = make_review(world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    report = actions.do_submit_report(review.appraisees.get(), world.people.clerk, text="述职报告")
    actions.do_decide_report(report, world.people.organizer, accept=False, reason="字数不足")
    event = AuditEvent.objects.get(action="report_decide")
    assert event.detail["old"] == {"status": "submitted"}
    assert event.detail["new"] == {"status": "returned", "return_reason": "字数不足"}


def test_the_organizer_is_told_of_pending_extensions_and_sees_them_within_scope(world, as_user, overdue):
    from pingyi.lib.todo import for_user

    wanted = timezone.localdate() + dt.timedelta(days=20)
    actions.do_request_extension(overdue, user=world.people.clerk, deadline=wanted, reason="征地未完成")
    todo = {t.key: t for t in for_user(world.people.organizer, timezone.localdate())}
    assert todo["extensions"].text == "1 份延期申请待审批"
    page = as_user(world.people.organizer).get(reverse("rectification")).content.decode()
    assert "延期申请（1 份待审批）" in page and "征地未完成" in page
    assert "征地未完成" not in as_user(world.people.outsider).get(reverse("rectification")).content.decode()
