"""待办 of the review rounds: reports to review or submit, problems to update or sign off, rounds to move."""

from django.urls import reverse
from django.utils import timezone

from pingyi.accounts.access import scoped
from pingyi.accounts.models import Role
from pingyi.lib.todo import Cell, Column, Todo

from . import readiness
from .models import (
    STAGE_ORDER,
    Appraisee,
    DeadlineExtension,
    ExtensionStatus,
    Problem,
    ProblemStatus,
    ReportStatus,
    Review,
    Stage,
)
from .queries import awaiting_review, latest_reports, stages_allowing


def items(user, today) -> list[Todo]:
    if user.is_organizer:
        return _organizer(user, today)
    if user.role in (Role.TOWNSHIP_CLERK, Role.COUNTY_LIAISON):
        return _reports_owed(user) + _problems(user, today)
    if user.role == Role.CITY_LEADER:
        return _leader()
    return []


def _organizer(user, today) -> list[Todo]:
    found = []
    for review in Review.objects.open().order_by("number"):
        waiting = awaiting_review().filter(appraisee__review=review).count()
        if waiting:
            found.append(
                Todo(
                    f"{review.label}有 {waiting} 份述职报告待审核",
                    reverse("review_detail", args=[review.pk]) + "#appraisee-table",
                    waiting,
                    key=f"review-{review.number}-reports",
                )
            )
        found.append(_next_step(review))
    done = Problem.objects.filter(status=ProblemStatus.DONE, signed_off_at__isnull=True).count()
    if done:
        found.append(
            Todo(f"{done} 个问题已整改完成，待审核销号", reverse("rectification"), done, key="signoff")
        )
    extensions = DeadlineExtension.objects.filter(status=ExtensionStatus.PENDING).count()
    if extensions:
        found.append(
            Todo(
                f"{extensions} 份延期申请待审批",
                reverse("rectification") + "#extensions",
                extensions,
                key="extensions",
            )
        )
    overdue = Problem.objects.open().overdue(today).count()
    if overdue:
        found.append(
            Todo(f"{overdue} 个问题整改逾期", reverse("rectification"), overdue, urgent=True, key="overdue")
        )
    return found


def _next_step(review: Review) -> Todo:
    to = STAGE_ORDER[review.stage_index() + 1]
    # Quick: without the tally behind the 有效票 check, which the stage page makes on opening.
    gaps = readiness.gaps(review, to, quick=True)
    note = f"，{len(gaps)} 项未就绪" if gaps else "，各项已就绪"
    if to == Stage.PUBLISHED:
        note += "（有效票情况见核对清单）"
    return Todo(
        f"{review.label}处于「{review.get_stage_display()}」阶段：下一步进入「{to.label}」{note}",
        reverse("review_stage", args=[review.pk]),
        key=f"review-{review.number}-step",
    )


def _reports_owed(user) -> list[Todo]:
    """Per round open for reports: the township's report due (with the deadline), or returned."""
    found = []
    now = timezone.now()
    for review in Review.objects.filter(stage__in=stages_allowing("submit_report")).order_by("number"):
        appraisees = scoped(user, review.appraisees.select_related("cadre", "unit"), "unit__path")
        latest = {r.appraisee_id: r for r in latest_reports().filter(appraisee__review=review)}
        due = [a for a in appraisees if a.pk not in latest]
        returned = [a for a in appraisees if a.pk in latest and latest[a.pk].status == ReportStatus.RETURNED]
        deadline = review.report_deadline
        when = f"（截止 {timezone.localtime(deadline):%Y年%-m月%-d日 %H:%M}）" if deadline else ""
        late = bool(deadline and now > deadline)
        if due:
            found.append(_owed(review, due, f"述职报告待提交{when}{'，已逾期' if late else ''}", late, "due"))
        if returned:
            reason = latest[returned[0].pk].return_reason
            text = (
                f"述职报告被退回，请修改后重新提交（退回理由：{reason}）"
                if len(returned) == 1
                else "述职报告被退回"
            )
            found.append(_owed(review, returned, text, True, "returned"))
    return found


def _owed(review: Review, appraisees: list[Appraisee], text: str, urgent: bool, kind: str) -> Todo:
    if len(appraisees) == 1:
        a = appraisees[0]
        return Todo(
            f"{review.label} {a.unit.name}{a.cadre.name}：{text}",
            reverse("appraisee_detail", args=[a.pk]) + "#report",
            1,
            urgent,
            f"review-{review.number}-{kind}",
        )
    names = "、".join(a.unit.name for a in appraisees[:6]) + ("等" if len(appraisees) > 6 else "")
    return Todo(
        f"{review.label} {len(appraisees)} 个乡镇（街道）{text}：{names}",
        reverse("review_reminders", args=[review.pk]),
        len(appraisees),
        urgent,
        f"review-{review.number}-{kind}",
    )


def _problems(user, today) -> list[Todo]:
    mine = scoped(user, Problem.objects.open(), "appraisee__unit__path").exclude(status=ProblemStatus.DONE)
    found = []
    overdue = mine.overdue(today).count()
    if overdue:
        found.append(
            Todo(
                f"{overdue} 个问题整改逾期，请更新进展",
                reverse("rectification"),
                overdue,
                True,
                "problems-overdue",
            )
        )
    unplanned = mine.filter(measure="").count()
    if unplanned:
        found.append(
            Todo(
                f"{unplanned} 个问题尚未填写整改措施",
                reverse("my_appraisals"),
                unplanned,
                key="problems-unplanned",
            )
        )
    going = mine.count() - overdue
    if going > 0:
        found.append(
            Todo(
                f"{going} 个问题正在整改，请按时报告进展",
                reverse("rectification"),
                going,
                key="problems-open",
            )
        )
    return found


def _leader() -> list[Todo]:
    found = []
    for review in Review.objects.open().order_by("number"):
        if review.at_least(Stage.PUBLISHED):
            found.append(
                Todo(
                    f"{review.label}测评结果已公布",
                    reverse("ballot_results", args=[review.pk]),
                    key=f"review-{review.number}-results",
                )
            )
        else:
            date = f"，会议日期 {review.meeting_date:%Y年%-m月%-d日}" if review.meeting_date else ""
            found.append(
                Todo(
                    f"{review.label}处于「{review.get_stage_display()}」阶段{date}",
                    reverse("review_detail", args=[review.pk]),
                    key=f"review-{review.number}",
                )
            )
    return found


def county_columns(user, townships, today) -> list[Column]:
    """The liaison's summary: each township's report for the round now collecting them, and its problems."""
    columns = []
    review = Review.objects.filter(stage__in=stages_allowing("submit_report")).order_by("-number").first()
    if review is not None:
        latest = {r.appraisee_id: r for r in latest_reports().filter(appraisee__review=review)}
        cells = {}
        for a in scoped(user, review.appraisees.all(), "unit__path"):
            report = latest.get(a.pk)
            text = report.get_status_display() if report else "未提交"
            owing = report is None or report.status == ReportStatus.RETURNED
            cells[a.unit_id] = Cell(text, owing, reverse("appraisee_detail", args=[a.pk]))
        columns.append(Column(f"{review.label}述职报告", cells))
    problems = scoped(user, Problem.objects.open(), "appraisee__unit__path").exclude(
        status=ProblemStatus.DONE
    )
    going, late = {}, {}
    for unit_id, deadline in problems.values_list("appraisee__unit_id", "deadline"):
        going[unit_id] = going.get(unit_id, 0) + 1
        if deadline and deadline < today:
            late[unit_id] = late.get(unit_id, 0) + 1
    cells = {
        t.pk: Cell(
            f"{going[t.pk]} 个整改中" + (f"，{late[t.pk]} 个逾期" if late.get(t.pk) else ""),
            bool(late.get(t.pk)),
        )
        for t in townships
        if going.get(t.pk)
    }
    columns.append(Column("整改问题", cells))
    return columns
