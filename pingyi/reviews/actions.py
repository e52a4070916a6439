"""Every change to a review round goes through a do_* function here.

Guards are checked inside the transaction, on the row locked for update, so two
organizers clicking at once cannot both move a stage or the meeting clock.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pingyi.accounts.access import can_edit, scope_unit
from pingyi.audit.actions import record
from pingyi.audit.models import register_actions
from pingyi.dupcheck import actions as dupcheck
from pingyi.dupcheck.models import CheckResult, Document
from pingyi.lib.errors import DomainError, RoleCannot
from pingyi.org.models import Cadre, Post

from . import readiness
from .models import (
    STAGE_ORDER,
    Appraisee,
    DeadlineExtension,
    DutyReport,
    Evidence,
    ExtensionStatus,
    Problem,
    ProblemStatus,
    ProgressNote,
    Remark,
    ReportStatus,
    Review,
    Stage,
    StageChange,
)
from .wording import report_template_wording

register_actions(
    {
        "review_create": "新建述职评议会",
        "review_edit": "修改述职评议会",
        "review_stage": "述职评议会阶段变更",
        "appraisee_change": "调整述职人",
        "report_submit": "提交述职报告",
        "report_decide": "审核述职报告",
        "remark_add": "添加点评",
        "problem_add": "添加问题",
        "problem_edit": "修改整改措施",
        "problem_progress": "报告整改进展",
        "problem_signoff": "整改销号",
        "extension_request": "申请延期",
        "extension_decide": "审批延期申请",
    }
)


logger = logging.getLogger(__name__)


class ReviewError(DomainError):
    """A guarded change refused; str(e) is a Chinese sentence for the user, `status` 409."""


def _require(condition: bool, message: str):
    if not condition:
        raise ReviewError(message)


def _organizer(user):
    if user is None or not user.is_organizer:
        raise RoleCannot("只有组织部管理员可以进行此操作")


def _in_scope(user, appraisee: Appraisee):
    # The role first (403 through the one handler), then the scope the view has already checked.
    if user is None or not can_edit(user):
        raise RoleCannot("您的角色只能查看，不能修改")
    root = scope_unit(user)
    _require(root is None or appraisee.unit.path.startswith(root.path), "该述职人不在您的管理范围内")


def _allowed(review: Review, action: str, what: str):
    """The stage window of `action` (models.STAGE_WINDOWS, also asked by views and templates)."""
    _require(review.allows(action), f"本期处于「{review.get_stage_display()}」阶段，不能{what}")


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


# Review and stages


def do_create_review(user, **fields) -> Review:
    _organizer(user)
    with transaction.atomic():
        if not fields.get("number"):
            fields["number"] = (Review.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        _require(not Review.objects.filter(number=fields["number"]).exists(), f"第{fields['number']}期已存在")
        review = Review.objects.create(**fields)
        StageChange.objects.create(review=review, to_stage=review.stage, by=user, note="创建")
        record("review_create", user=user, target=f"{review.label} {review.title}")
    return review


def do_update_review(review: Review, user, **fields) -> Review:
    _organizer(user)
    with transaction.atomic():
        review = _locked(review)
        _allowed(review, "edit_arrangements", "修改会议安排（会议开始后冻结）")
        for name, value in fields.items():
            setattr(review, name, value)
        review.save()
        record("review_edit", user=user, target=review.label, summary="、".join(fields))
    return review


def do_move_stage(
    review: Review, user, to_stage: str, note: str = "", *, confirm: str | None = None, seen: str = ""
) -> Review:
    """One step forward; or one step back before appraisal begins, with a reason.

    Forward, the readiness checklist (readiness.gaps) is taken again on the locked row. From a page,
    `confirm` is what the organizer typed or ticked and `seen` the checklist they were shown
    (readiness.fingerprint): a step that cannot be undone needs the stage's name typed, one with gaps
    needs PROCEED, and a gap that appeared since the page was shown asks again. Scripts and the demo
    pass no `confirm` and take the step as their author decided. Either way the gaps that were passed
    over are written to the audit log.
    """
    _organizer(user)
    with transaction.atomic():
        review = _locked(review)
        try:
            there = STAGE_ORDER.index(Stage(to_stage))
        except ValueError:
            raise ReviewError("阶段无效") from None
        here = review.stage_index()
        gaps = []
        if there == here - 1:
            _require(readiness.reversible(review.stage), "测评开始后不能退回上一阶段")
            _require(bool(note.strip()), "退回上一阶段须说明理由")
        else:
            _require(there == here + 1, "只能进入下一阶段")
            _check_ready(review, Stage(to_stage))
            gaps = readiness.gaps(review, to_stage)
            blocking = [g.text for g in gaps if g.blocking]
            _require(not blocking, "；".join(blocking))
            if confirm is not None:
                _confirmed(to_stage, gaps, confirm, seen)
        change = StageChange.objects.create(
            review=review, from_stage=review.stage, to_stage=to_stage, by=user, note=note.strip()[:200]
        )
        review.stage = to_stage
        review.save(update_fields=["stage"])
        for hook in STAGE_HOOKS:
            hook(review, change.from_stage, to_stage, user)
        passed_over = f"（{len(gaps)} 项未就绪，确认后继续）" if gaps else ""
        record(
            "review_stage",
            user=user,
            target=review.label,
            summary=f"{change.get_from_stage_display()} → {change.get_to_stage_display()}{passed_over}",
            detail={"overridden": [g.text for g in gaps], "confirmed": confirm} if gaps else None,
        )
    return review


def _confirmed(to_stage: str, gaps: list, confirm: str, seen: str):
    new = readiness.unseen(gaps, seen)
    _require(not new, "情况有变化，请重新核对：" + "；".join(g.text for g in new))
    phrase = readiness.confirmation_phrase(to_stage, gaps)
    if phrase == readiness.PROCEED:
        _require(confirm.strip() == phrase, "有未就绪的事项，请勾选“仍然继续”后再提交")
    elif phrase:
        _require(confirm.strip() == phrase, f"此步骤不能撤销，请在确认框中输入“{phrase}”")


# Apps that depend on reviews act on stage changes here, inside the same transaction
# (ballots: check the ballot form before 测评, freeze the record and result at 结果公布).
# A hook raises ReviewError to refuse the move.
STAGE_HOOKS: list = []


def _check_ready(review: Review, to_stage: Stage):
    if to_stage == Stage.REPORTING:
        _require(review.appraisees.exists(), "请先确定述职人")
    if to_stage == Stage.MEETING:
        _require(review.meeting_date is not None, "请先填写会议日期")


# Appraisees


def _chief_post(cadre: Cadre):
    posts = list(
        Post.objects.current().filter(cadre=cadre).select_related("unit").order_by("-is_chief", "id")
    )
    return posts


def do_add_appraisee(review: Review, cadre: Cadre, user) -> Appraisee:
    _organizer(user)
    with transaction.atomic():
        review = _locked(review)
        _allowed(review, "change_appraisees", "调整述职人（会议开始后冻结）")
        _require(not review.appraisees.filter(cadre=cadre).exists(), f"{cadre.name}已是本期述职人")
        posts = _chief_post(cadre)
        unit = posts[0].unit if posts else cadre.unit
        title = "、".join(p.title for p in posts if p.unit_id == unit.pk) or "—"
        order = (review.appraisees.aggregate(n=Max("order"))["n"] or 0) + 1
        appraisee = Appraisee.objects.create(review=review, cadre=cadre, unit=unit, title=title, order=order)
        record("appraisee_change", user=user, target=review.label, summary=f"增加述职人 {cadre.name}")
    return appraisee


def do_remove_appraisee(appraisee: Appraisee, user):
    _organizer(user)
    with transaction.atomic():
        review = _locked(appraisee.review)
        _allowed(review, "change_appraisees", "调整述职人（会议开始后冻结）")
        _require(not appraisee.reports.exists(), "该述职人已提交述职报告，不能移除")
        name = appraisee.cadre.name
        appraisee.delete()
        _renumber(review)
        record("appraisee_change", user=user, target=review.label, summary=f"移除述职人 {name}")


def do_move_appraisee(appraisee: Appraisee, user, step: int):
    """Move one place up (-1) or down (+1) in the speaking order."""
    _organizer(user)
    with transaction.atomic():
        review = _locked(appraisee.review)
        _allowed(review, "change_appraisees", "调整发言顺序（会议开始后冻结）")
        order = list(review.appraisees.order_by("order"))
        i = next(n for n, a in enumerate(order) if a.pk == appraisee.pk)
        j = i + step
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
            _renumber(review, order)


def _renumber(review: Review, order: list[Appraisee] | None = None):
    for position, item in enumerate(order or review.appraisees.order_by("order"), start=1):
        if item.order != position:
            Appraisee.objects.filter(pk=item.pk).update(order=position)


def do_set_appraisee(appraisee: Appraisee, user, *, minutes=None, photo: bytes | None = None, photo_type=""):
    _organizer(user)
    with transaction.atomic():
        review = _locked(appraisee.review)
        _allowed(review, "change_appraisees", "修改述职人信息（会议开始后冻结）")
        appraisee.minutes = minutes
        if photo is not None:
            appraisee.photo, appraisee.photo_type = photo, photo_type
        appraisee.save()


# Duty reports


def count_chars(text: str) -> int:
    """字数 as word processors count Chinese text: every character but white space."""
    return sum(1 for c in text if not c.isspace())


def do_submit_report(
    appraisee: Appraisee, user, *, text: str, filename: str = "", original: bytes = b""
) -> DutyReport:
    _in_scope(user, appraisee)
    text = text.strip()
    _require(bool(text), "述职报告内容为空")
    with transaction.atomic():
        review = _locked(appraisee.review)
        _allowed(review, "submit_report", "提交述职报告")
        last = appraisee.reports.order_by("-version").first()
        _require(last is None or last.status != ReportStatus.ACCEPTED, "述职报告已审核通过，不能再提交新版本")
        now = timezone.now()
        report = DutyReport.objects.create(
            appraisee=appraisee,
            version=(last.version + 1) if last else 1,
            text=text,
            char_count=count_chars(text),
            filename=filename[:200],
            original=original,
            submitted_by=user,
            late=bool(review.report_deadline and now > review.report_deadline),
        )
        record(
            "report_submit",
            user=user,
            target=str(appraisee),
            summary=f"第{report.version}版，{report.char_count}字",
        )
    try:
        do_check_report(report, user)
    except Exception:
        # The report is stored; a failed 查重 must not lose it. It can be rechecked from its page.
        logger.exception("duplicate check of duty report %s failed", report.pk)
    return report


TEMPLATE_TITLE = "述职报告模板（市委组织部印发）"


def _template_in_corpus(user):
    """The report template's headings and opening are in every report by design: following the template
    the organizers hand out is not copying (dupcheck class `template`, counted in no ratio)."""
    if not Document.objects.filter(title=TEMPLATE_TITLE, kind=Document.Kind.FORM, indexed=True).exists():
        dupcheck.do_index_document(
            title=TEMPLATE_TITLE,
            text=report_template_wording(),
            kind="form",
            author="市委组织部",
            user=user,
            # Inside a township's submission: what is left is rechecked when opened.
            refresh_seconds=dupcheck.WEB_REFRESH_SECONDS,
        )


def do_check_report(report: DutyReport, user=None) -> CheckResult:
    """查重 of one version: enter it into the comparison set (earlier versions leave it) and check it.

    Checking again (on demand) reuses the stored document, so its result page keeps its address.
    """
    appraisee = report.appraisee
    _template_in_corpus(user)
    with transaction.atomic():
        document = Document.objects.filter(pk=report.dupcheck_document_id).first()
        if document is None:
            unit = appraisee.unit
            document = dupcheck.do_index_document(
                title=f"{appraisee.review.label} {unit.name}{appraisee.cadre.name}述职报告（第{report.version}版）",
                text=report.text, kind="report", author=f"{unit.code} {unit.name}", user=user,
            )  # fmt: skip
            DutyReport.objects.filter(pk=report.pk).update(dupcheck_document_id=document.pk)
            report.dupcheck_document_id = document.pk
            # A township's own earlier draft is not a source it copied from.
            earlier = appraisee.reports.filter(version__lt=report.version, dupcheck_document_id__isnull=False)
            dupcheck.do_unindex_documents(earlier.values_list("dupcheck_document_id", flat=True), user=user)
        return dupcheck.do_check_document(document, user=user)


def do_decide_report(report: DutyReport, user, *, accept: bool, reason: str = "") -> DutyReport:
    _organizer(user)
    with transaction.atomic():
        review = _locked(report.appraisee.review)
        _allowed(review, "decide_report", "审核述职报告")
        report = DutyReport.objects.select_for_update().get(pk=report.pk)
        _require(report.status == ReportStatus.SUBMITTED, "该版本已审核")
        latest = report.appraisee.reports.order_by("-version").first()
        _require(latest.pk == report.pk, "只能审核最新版本")
        _require(accept or bool(reason.strip()), "退回须说明理由")
        old_status = report.status
        report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        report.return_reason = "" if accept else reason.strip()[:300]
        report.decided_by, report.decided_at = user, timezone.now()
        report.save()
        record("report_decide", user=user, target=str(report.appraisee),
               summary=f"第{report.version}版{report.get_status_display()}{'：' + report.return_reason if report.return_reason else ''}",
               detail={"report": report.pk, "version": report.version, "old": {"status": old_status},
                       "new": {"status": report.status, "return_reason": report.return_reason}})  # fmt: skip
    return report


# Remarks, problems, rectification


def do_add_remark(appraisee: Appraisee, user, *, speaker: str, text: str) -> Remark:
    _organizer(user)
    _require(bool(speaker.strip() and text.strip()), "请填写点评人和点评内容")
    with transaction.atomic():
        review = _locked(appraisee.review)
        _allowed(review, "add_remark", "添加点评")
        remark = Remark.objects.create(
            appraisee=appraisee, speaker=speaker.strip()[:60], text=text.strip(), created_by=user
        )
        record("remark_add", user=user, target=str(appraisee), summary=speaker)
    return remark


def do_add_problem(appraisee: Appraisee, user, **fields) -> Problem:
    _in_scope(user, appraisee)
    _require(bool(fields.get("description", "").strip()), "请填写问题描述")
    with transaction.atomic():
        review = _locked(appraisee.review)
        _allowed(review, "add_problem", "添加问题")
        problem = Problem.objects.create(appraisee=appraisee, **fields)
        record("problem_add", user=user, target=str(appraisee), summary=problem.description[:60],
               detail={"problem": problem.pk, "new": _problem_values(problem)})  # fmt: skip
    return problem


def _open_for_rectification(problem: Problem):
    _require(problem.signed_off_at is None, "该问题已销号，不能再修改")


# What the audit log keeps of a problem, old and new, on every change.
PROBLEM_FIELDS = {"area": "领域", "description": "问题描述", "source": "来源", "measure": "整改措施",
                  "owner": "责任人", "deadline": "整改时限", "status": "状态"}  # fmt: skip


def _problem_values(problem: Problem) -> dict:
    values = {name: getattr(problem, name) for name in PROBLEM_FIELDS}
    values["deadline"] = values["deadline"].isoformat() if values["deadline"] else None
    return values


def _changes(before: dict, after: dict) -> tuple[dict, str]:
    """({"old": …, "new": …} of the fields that changed, a sentence naming them)."""
    changed = [name for name in after if before.get(name) != after[name]]
    detail = {"old": {n: before.get(n) for n in changed}, "new": {n: after[n] for n in changed}}
    said = "；".join(
        f"{PROBLEM_FIELDS.get(n, n)}：{before.get(n) or '—'} → {after[n] or '—'}" for n in changed
    )
    return detail, said


DEADLINE_IS_THE_ORGANIZERS = "整改时限由组织部确定，不能自行修改；如需延期，请提交延期申请并说明理由"


def do_update_problem(problem: Problem, user, **fields) -> Problem:
    """Measure, owner (the township's) and deadline (the organizer's: anyone else asks for an
    extension, do_request_extension). The audit log keeps every old and new value."""
    _in_scope(user, problem.appraisee)
    with transaction.atomic():
        problem = Problem.objects.select_for_update().get(pk=problem.pk)
        _open_for_rectification(problem)
        if "deadline" in fields and fields["deadline"] != problem.deadline and not user.is_organizer:
            raise RoleCannot(DEADLINE_IS_THE_ORGANIZERS)
        before = _problem_values(problem)
        for name, value in fields.items():
            setattr(problem, name, value)
        problem.save()
        detail, said = _changes(before, _problem_values(problem))
        if said:
            record("problem_edit", user=user, target=str(problem.appraisee),
                   summary=f"{problem.description[:30]}：{said}", detail={"problem": problem.pk, **detail})  # fmt: skip
    return problem


def do_add_progress(problem: Problem, user, *, text: str, status: str, files=()) -> ProgressNote:
    """A progress note, the status it leaves the problem in, and evidence files."""
    _in_scope(user, problem.appraisee)
    _require(bool(text.strip()), "请填写整改进展")
    _require(status in ProblemStatus.values, "状态无效")
    with transaction.atomic():
        problem = Problem.objects.select_for_update().get(pk=problem.pk)
        _open_for_rectification(problem)
        note = ProgressNote.objects.create(
            problem=problem, text=text.strip(), status_after=status, created_by=user
        )
        for name, content_type, data in files:
            Evidence.objects.create(
                note=note, filename=name[:200], content_type=content_type[:100], data=data, size=len(data)
            )
        old_status = problem.status
        problem.status = status
        problem.save(update_fields=["status"])
        record(
            "problem_progress",
            user=user,
            target=str(problem.appraisee),
            summary=f"{ProblemStatus(old_status).label} → {problem.get_status_display()}：{text[:40]}",
            detail={"problem": problem.pk, "old": {"status": old_status}, "new": {"status": status}},
        )
    return note


def do_sign_off(problem: Problem, user) -> Problem:
    _organizer(user)
    with transaction.atomic():
        problem = Problem.objects.select_for_update().get(pk=problem.pk)
        _require(problem.status == ProblemStatus.DONE, "问题整改完成后才能销号")
        _open_for_rectification(problem)
        problem.signed_off_by, problem.signed_off_at = user, timezone.now()
        problem.save(update_fields=["signed_off_by", "signed_off_at"])
        record("problem_signoff", user=user, target=str(problem.appraisee), summary=problem.description[:60],
               detail={"problem": problem.pk, "old": {"signed_off": False}, "new": {"signed_off": True}})  # fmt: skip
    return problem


# The meeting clock


def do_meeting(review: Review, user, command: str, *, order: int | None = None) -> Review:
    """start / pause / resume / next / previous / goto (the speaker at `order`, from 1); the big
    screen follows screen_version."""
    _organizer(user)
    with transaction.atomic():
        review = _locked(review)
        _require(review.allows("run_meeting"), "会议阶段才能操作会议进程")
        count = review.appraisees.count()
        _require(count > 0, "本期没有述职人")
        now = timezone.now()
        if command == "goto":
            _require(order is not None and 1 <= order <= count, f"请选择第 1–{count} 位述职人")
            # A new speaker, as with next: the countdown starts from the full time at once.
            review.current_index = order - 1
            review.clock_elapsed, review.clock_started_at = 0, now
        elif command in ("next", "previous") or (command == "start" and review.current_index is None):
            # A new speaker: their countdown starts from the full time at once.
            _require(not (command == "next" and review.current_index == count - 1), "已是最后一位述职人")
            _require(not (command == "previous" and not review.current_index), "已是第一位述职人")
            step = {"next": 1, "previous": -1, "start": 0}[command]
            current = -1 if review.current_index is None and command == "next" else review.current_index or 0
            review.current_index = min(max(current + step, 0), count - 1)
            review.clock_elapsed, review.clock_started_at = 0, now
        elif command in ("resume", "start"):
            _require(review.clock_started_at is None, "计时正在进行")
            review.clock_started_at = now
        elif command == "pause":
            _require(review.clock_started_at is not None, "计时已暂停")
            review.clock_elapsed = review.elapsed_seconds(now)
            review.clock_started_at = None
        else:
            raise ReviewError("未知的操作")
        review.screen_version += 1
        review.save(update_fields=["current_index", "clock_started_at", "clock_elapsed", "screen_version"])
    return review


# Apps that depend on reviews add to the big screen's state here (ballots: live turnout),
# so that reviews never imports them.
SCREEN_STATE_HOOKS: list = []


def meeting_state(review: Review, now: dt.datetime | None = None) -> dict:
    """What the big screen shows, as JSON."""
    now = now or timezone.now()
    appraisees = list(review.appraisees.select_related("cadre", "unit").order_by("order"))
    current = appraisees[review.current_index] if review.current_index is not None and appraisees else None
    state = {
        "version": review.screen_version,
        "stage": review.get_stage_display(),
        "live": review.allows("follow_meeting"),
        "title": f"{review.title}",
        "agenda": [{"order": a.order, "name": a.cadre.name, "unit": a.unit.name, "title": a.title,
                    "current": current is not None and a.pk == current.pk} for a in appraisees],
        "current": None,
    }  # fmt: skip
    if current:
        elapsed = review.elapsed_seconds(now)
        state["current"] = {
            "id": current.pk,
            "unit_id": current.unit_id,
            "order": current.order,
            "name": current.cadre.name,
            "unit": current.unit.name,
            "title": current.title,
            "has_photo": current.portrait() is not None,
            "allotted": current.speaking_seconds,
            "elapsed": round(elapsed, 1),
            "remaining": round(current.speaking_seconds - elapsed, 1),
            "running": review.clock_started_at is not None,
        }
    for hook in SCREEN_STATE_HOOKS:
        state.update(hook(review))
    return state


# Bulk work: one transaction each, the same guards as the single action, one audit record.


def do_add_appraisees(review: Review, cadres, *, user) -> list[Appraisee]:
    """Several speakers at once (chosen by a filter), in the order given, after those already listed."""
    _organizer(user)
    cadres = list(cadres)
    _require(bool(cadres), "请至少选择一位述职人")
    with transaction.atomic():
        review = _locked(review)
        _allowed(review, "change_appraisees", "调整述职人（会议开始后冻结）")
        taken = set(review.appraisees.values_list("cadre_id", flat=True))
        order = review.appraisees.aggregate(n=Max("order"))["n"] or 0
        added = []
        for cadre in cadres:
            if cadre.pk in taken:
                continue
            posts = _chief_post(cadre)
            unit = posts[0].unit if posts else cadre.unit
            title = "、".join(p.title for p in posts if p.unit_id == unit.pk) or "—"
            order += 1
            added.append(Appraisee(review=review, cadre=cadre, unit=unit, title=title, order=order))
            taken.add(cadre.pk)
        Appraisee.objects.bulk_create(added)
        if added:
            names = "、".join(a.cadre.name for a in added)
            record(
                "appraisee_change",
                user=user,
                target=review.label,
                summary=f"批量增加述职人 {len(added)} 人：{names}",
            )
    return added


def do_accept_reports(reports, *, user) -> int:
    """Approve several latest versions at once; refused as a whole if any one cannot be approved."""
    _organizer(user)
    reports = list(reports)
    _require(bool(reports), "请至少选择一份待审核的述职报告")
    with transaction.atomic():
        for report in reports:
            do_decide_report(report, user, accept=True)
    return len(reports)


def do_set_deadlines(problems, deadline: dt.date, *, user) -> int:
    """One 整改时限 for many problems (the organizer's; problems signed off are left alone)."""
    _organizer(user)
    problems = list(problems)
    _require(bool(problems), "请至少选择一个问题")
    _require(deadline is not None, "请填写整改时限")
    with transaction.atomic():
        locked = list(Problem.objects.select_for_update().filter(pk__in=[p.pk for p in problems]))
        closed = [p for p in locked if p.signed_off_at is not None]
        _require(not closed, f"{len(closed)} 个问题已销号，不能再修改整改时限")
        Problem.objects.filter(pk__in=[p.pk for p in locked]).update(deadline=deadline)
        record(
            "problem_edit",
            user=user,
            target=f"{len(locked)} 个问题",
            summary=f"整改时限统一设为 {deadline:%Y-%m-%d}",
            detail={
                "old": {p.pk: p.deadline.isoformat() if p.deadline else None for p in locked},
                "new": {"deadline": deadline.isoformat()},
            },
        )
    return len(locked)


# 延期申请: the deadline is the organizer's; a township asks, the organizer grants or refuses.


def do_request_extension(problem: Problem, *, user, deadline: dt.date, reason: str) -> DeadlineExtension:
    _in_scope(user, problem.appraisee)
    reason = (reason or "").strip()
    _require(bool(reason), "请填写延期理由")
    with transaction.atomic():
        problem = Problem.objects.select_for_update().get(pk=problem.pk)
        _open_for_rectification(problem)
        _require(problem.deadline is not None, "该问题尚未确定整改时限，无需申请延期")
        _require(deadline is not None and deadline > problem.deadline,
                 f"申请延至的日期应晚于现在的整改时限（{problem.deadline:%Y年%-m月%-d日}）")  # fmt: skip
        pending = problem.extensions.filter(status=ExtensionStatus.PENDING).exists()
        _require(not pending, "该问题已有一份待审批的延期申请")
        extension = DeadlineExtension.objects.create(
            problem=problem, old_deadline=problem.deadline, requested_deadline=deadline,
            reason=reason[:1000], requested_by=user,
        )  # fmt: skip
        record("extension_request", user=user, target=str(problem.appraisee),
               summary=f"{problem.description[:30]}：申请由 {problem.deadline:%Y-%m-%d} 延至 {deadline:%Y-%m-%d}",
               detail={"problem": problem.pk, "extension": extension.pk, "reason": reason[:500]})  # fmt: skip
    return extension


def do_decide_extension(
    extension: DeadlineExtension, *, user, grant: bool, note: str = ""
) -> DeadlineExtension:
    """Grant (the problem's deadline moves, and 逾期 with it) or refuse, with a note when refusing."""
    _organizer(user)
    note = (note or "").strip()
    _require(grant or bool(note), "不同意延期须说明理由")
    with transaction.atomic():
        extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
        _require(extension.status == ExtensionStatus.PENDING, "该延期申请已审批")
        problem = Problem.objects.select_for_update().get(pk=extension.problem_id)
        _open_for_rectification(problem)
        extension.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
        extension.decided_by, extension.decided_at, extension.note = user, timezone.now(), note[:300]
        extension.save()
        old = problem.deadline
        detail = {"problem": problem.pk, "extension": extension.pk}
        if grant:
            problem.deadline = extension.requested_deadline
            problem.save(update_fields=["deadline"])
            detail |= {"old": {"deadline": old.isoformat() if old else None},
                       "new": {"deadline": problem.deadline.isoformat()}}  # fmt: skip
        was = f"{old:%Y-%m-%d}" if old else "—"
        said = f"同意延期，整改时限 {was} → {problem.deadline:%Y-%m-%d}" if grant else f"不同意延期：{note}"
        record("extension_decide", user=user, target=str(problem.appraisee),
               summary=f"{problem.description[:30]}：{said}"[:500], detail=detail)  # fmt: skip
    return extension
