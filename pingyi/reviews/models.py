"""述职评议会 (Review) rounds and everything that hangs off an appraisee."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pingyi.org.models import Cadre, CadrePhoto, Unit


class Stage(models.TextChoices):
    PREPARING = "preparing", "筹备"
    REPORTING = "reporting", "报告提交"
    MEETING = "meeting", "会议"
    APPRAISAL = "appraisal", "测评"
    PUBLISHED = "published", "结果公布"
    ARCHIVED = "archived", "归档"


STAGE_ORDER = list(Stage)

# When each action is open: (first stage, last stage), both included. Declared once here and asked by
# actions, views and templates through Review.allows(name); the ballots app adds its own in ready().
STAGE_WINDOWS: dict[str, tuple[str, str]] = {
    "edit_arrangements": (Stage.PREPARING, Stage.REPORTING),
    "change_appraisees": (Stage.PREPARING, Stage.REPORTING),
    "submit_report": (Stage.REPORTING, Stage.MEETING),
    "decide_report": (Stage.REPORTING, Stage.APPRAISAL),
    "run_meeting": (Stage.MEETING, Stage.MEETING),
    # The big screen and the console follow the round (a stage change, the clock, the live turnout)
    # until voting ends; from 结果公布 nothing they show can change, so they stop asking.
    "follow_meeting": (Stage.PREPARING, Stage.APPRAISAL),
    "add_remark": (Stage.MEETING, Stage.PUBLISHED),
    "add_problem": (Stage.REPORTING, Stage.PUBLISHED),
    "feedback_sheet": (Stage.PUBLISHED, Stage.ARCHIVED),  # the sheet carries the results
}


class ReviewQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(stage=Stage.ARCHIVED)


class Review(models.Model):
    number = models.PositiveSmallIntegerField("期数", unique=True)
    title = models.CharField("名称", max_length=100)
    meeting_date = models.DateField("会议日期", null=True, blank=True)
    venue = models.CharField("会议地点", max_length=100, blank=True)
    speaking_minutes = models.PositiveSmallIntegerField("每人发言时间（分钟）", default=8)
    report_deadline = models.DateTimeField("述职报告截止时间", null=True, blank=True)
    requirements = models.TextField("整改要求", blank=True, help_text="写入每位述职人的反馈意见书")
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.PREPARING)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # The meeting clock, driven from the organizer's control page and read by the big screen.
    current_index = models.PositiveSmallIntegerField(null=True, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)  # None: paused
    clock_elapsed = models.FloatField(default=0)  # seconds run before clock_started_at
    screen_version = models.PositiveIntegerField(default=0)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "述职评议会"
        verbose_name_plural = "述职评议会"
        ordering = ["-number"]

    def __str__(self):
        return self.title

    @property
    def label(self) -> str:
        return f"第{self.number}期"

    def stage_index(self) -> int:
        return STAGE_ORDER.index(Stage(self.stage))

    def at_least(self, stage: str) -> bool:
        return self.stage_index() >= STAGE_ORDER.index(Stage(stage))

    def allows(self, action: str) -> bool:
        """Whether `action` (a key of STAGE_WINDOWS) is open in this round's stage."""
        first, last = STAGE_WINDOWS[action]
        return STAGE_ORDER.index(Stage(first)) <= self.stage_index() <= STAGE_ORDER.index(Stage(last))

    def elapsed_seconds(self, now: dt.datetime | None = None) -> float:
        running = (now or timezone.now()) - self.clock_started_at if self.clock_started_at else dt.timedelta()
        return self.clock_elapsed + running.total_seconds()


class StageChange(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.review.label} {self.get_from_stage_display()}→{self.get_to_stage_display()}"


class AppraiseeQuerySet(models.QuerySet):
    def within(self, unit: Unit):
        return self.filter(unit__path__startswith=unit.path)


class Appraisee(models.Model):
    """A cadre speaking in a review. Unit and title are kept as they were on the day."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="appraisees")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="appraisals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="appraisals")
    title = models.CharField("职务", max_length=100)
    order = models.PositiveSmallIntegerField("发言顺序")
    minutes = models.PositiveSmallIntegerField("发言时间（分钟）", null=True, blank=True)
    # Files live in the database: one backup (pg_dump) holds everything on an offline intranet.
    photo = models.BinaryField("照片", blank=True, editable=False)
    photo_type = models.CharField(max_length=30, blank=True)

    objects = AppraiseeQuerySet.as_manager()

    class Meta:
        verbose_name = "述职人"
        verbose_name_plural = "述职人"
        ordering = ["review", "order"]
        constraints = [models.UniqueConstraint(fields=["review", "cadre"], name="appraisee_once_per_review")]

    def __str__(self):
        return f"{self.unit.name}{self.title}{self.cadre.name}"

    @property
    def speaking_seconds(self) -> int:
        return 60 * (self.minutes or self.review.speaking_minutes)

    def portrait(self) -> str | None:
        """Where the photo shown for the appraisee comes from: "own" (uploaded for this round),
        "lrmx" (the cadre's 任免审批表), or None."""
        if self.photo:
            return "own"
        return "lrmx" if CadrePhoto.objects.filter(cadre_id=self.cadre_id).exists() else None


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已通过"
    RETURNED = "returned", "已退回"


class DutyReport(models.Model):
    """One version of an appraisee's 述职报告; every version is kept."""

    appraisee = models.ForeignKey(Appraisee, on_delete=models.CASCADE, related_name="reports")
    version = models.PositiveSmallIntegerField("版本")
    text = models.TextField("正文")
    char_count = models.PositiveIntegerField("字数")
    filename = models.CharField("文件名", max_length=200, blank=True)
    original = models.BinaryField("原文件", blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    late = models.BooleanField("逾期提交", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField("退回理由", max_length=300, blank=True)
    dupcheck_document_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "述职报告"
        verbose_name_plural = "述职报告"
        ordering = ["appraisee", "-version"]
        constraints = [models.UniqueConstraint(fields=["appraisee", "version"], name="report_version_once")]

    def __str__(self):
        return f"{self.appraisee} 第{self.version}版"


class Remark(models.Model):
    """点评: a leader's comment on one appraisee."""

    appraisee = models.ForeignKey(Appraisee, on_delete=models.CASCADE, related_name="remarks")
    speaker = models.CharField("点评人", max_length=60)
    text = models.TextField("点评内容")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "点评"
        verbose_name_plural = "点评"
        ordering = ["appraisee", "created_at", "id"]

    def __str__(self):
        return f"{self.speaker}：{self.text[:20]}"


class Area(models.TextChoices):
    DEVELOPMENT = "development", "发展"
    LIVELIHOOD = "livelihood", "民生"
    SAFETY = "safety", "平安"
    PARTY = "party", "党建"


class ProblemSource(models.TextChoices):
    SELF = "self", "本人查摆"
    REMARK = "remark", "领导点评"
    EVALUATORS = "evaluators", "评议意见"


class ProblemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "整改中"
    DONE = "done", "已完成"


OVERDUE_LABEL = "逾期"


class ProblemQuerySet(models.QuerySet):
    def open(self):
        """Not yet closed: done and signed off by the organizer is closed."""
        return self.exclude(status=ProblemStatus.DONE, signed_off_at__isnull=False)

    def overdue(self, today: dt.date | None = None):
        return self.exclude(status=ProblemStatus.DONE).filter(deadline__lt=today or dt.date.today())

    def within(self, unit: Unit):
        return self.filter(appraisee__unit__path__startswith=unit.path)

    def carried_over_for(self, appraisee: "Appraisee"):
        """Open problems of the same person or township from earlier rounds."""
        return (
            self.open()
            .filter(appraisee__review__number__lt=appraisee.review.number)
            .filter(Q(appraisee__cadre=appraisee.cadre) | Q(appraisee__unit=appraisee.unit))
        )


class Problem(models.Model):
    appraisee = models.ForeignKey(Appraisee, on_delete=models.CASCADE, related_name="problems")
    area = models.CharField("领域", max_length=12, choices=Area.choices)
    description = models.TextField("问题描述")
    source = models.CharField("来源", max_length=12, choices=ProblemSource.choices)
    measure = models.TextField("整改措施", blank=True)
    owner = models.CharField("责任人", max_length=60, blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.NOT_STARTED
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField("销号时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题清单"
        ordering = ["appraisee", "id"]

    def __str__(self):
        return self.description[:30]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return (
            self.status != ProblemStatus.DONE
            and bool(self.deadline)
            and self.deadline < (today or dt.date.today())
        )

    @property
    def status_label(self) -> str:
        """未开始 / 整改中 / 已完成, or 逾期 when the deadline has passed unfinished."""
        return OVERDUE_LABEL if self.is_overdue() else self.get_status_display()


class ProgressNote(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField("进展情况")
    status_after = models.CharField(max_length=12, choices=ProblemStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["problem", "created_at", "id"]

    def __str__(self):
        return self.text[:30]


class Evidence(models.Model):
    """A file attached to a progress note (photo, document) as proof of rectification."""

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField(editable=False)
    size = models.PositiveIntegerField()

    def __str__(self):
        return self.filename


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "已同意"
    REFUSED = "refused", "未同意"


class DeadlineExtension(models.Model):
    """延期申请: a clerk or liaison asks the organizer to move a problem's 整改时限, with a reason.

    The deadline belongs to the organizer: only a granted request moves `Problem.deadline`, and 逾期
    follows the deadline as granted (a pending request changes nothing)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField("原整改时限", null=True)
    requested_deadline = models.DateField("申请延至")
    reason = models.TextField("延期理由")
    status = models.CharField(
        "状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["problem", "-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=Q(status="pending"), name="one_pending_extension_per_problem"
            )
        ]

    def __str__(self):
        return f"{self.problem} 申请延至 {self.requested_deadline:%Y-%m-%d}"
