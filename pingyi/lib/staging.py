"""Staged uploads: a workbook kept with its preview until the person who uploaded it confirms or
discards it, and afterwards its record. The roster (org) and indicator values (indicators) work so.

Each app keeps its own model (`StagedUpload` below, plus who uploaded it) and its own do_* actions,
which call these helpers: the file is planned again on confirmation, so what is applied reflects
the data as it is then, not as it was at the preview.
"""

import hashlib
from collections.abc import Callable

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from pingyi.lib import xlsx


class StagedUpload(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        APPLIED = "applied", "已导入"
        REJECTED = "rejected", "有错误"
        DISCARDED = "discarded", "已放弃"

    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    filename = models.CharField("文件名", max_length=200)
    # Kept only while pending (or rejected but correctable): a rejected, discarded or applied file is
    # never applied again.
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    summary = models.JSONField("预览", default=dict)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.filename


def stage(model: type[StagedUpload], user, filename: str, data: bytes, plan: Callable) -> StagedUpload:
    """Store the upload with its preview: `plan(data)` gives one (with .ok and .summary()), or raises
    xlsx.WorkbookError for a file that cannot be read."""
    Status = StagedUpload.Status
    try:
        planned = plan(data)
    except xlsx.WorkbookError as exc:
        # A reader may say more (how it placed the columns) and that the user can correct it.
        summary, status = {"file_error": str(exc), **getattr(exc, "details", {})}, Status.REJECTED
        correctable = getattr(exc, "correctable", False)
    else:
        summary = planned.summary()
        status = Status.PENDING if planned.ok else Status.REJECTED
        correctable = not planned.ok and getattr(planned, "correctable", False)
    return model.objects.create(
        created_by=user,
        filename=filename[:200],
        # A rejected upload the user can correct (a column placed wrongly) is kept until corrected
        # or discarded; any other is dropped at once.
        content=data if status == Status.PENDING or correctable else b"",
        sha256=hashlib.sha256(data).hexdigest(),
        status=status,
        summary=summary,
    )


def confirm(staged: StagedUpload, apply: Callable, *, handled: str):
    """Apply a pending upload with `apply(data, filename)` (which plans it again and raises, writing
    nothing, if it no longer applies); returns its plan. `handled` is the message for an upload that
    is no longer pending (confirmed twice, or in two tabs)."""
    with transaction.atomic():
        staged = type(staged).objects.select_for_update().get(pk=staged.pk)
        if staged.status != StagedUpload.Status.PENDING:
            raise ValueError(handled)
        plan = apply(bytes(staged.content), staged.filename)
        staged.status = StagedUpload.Status.APPLIED
        staged.applied_at = timezone.now()
        staged.summary = plan.summary()
        staged.content = b""
        staged.save(update_fields=["status", "applied_at", "summary", "content"])
    return plan


def reject(staged: StagedUpload, plan) -> None:
    """The data changed since the preview and the file no longer applies: show why, keep no content."""
    staged.summary = plan.summary()
    staged.status = StagedUpload.Status.REJECTED
    staged.content = b""
    staged.save(update_fields=["summary", "status", "content"])


def discard(staged: StagedUpload) -> None:
    if staged.status == StagedUpload.Status.PENDING or staged.content:
        staged.status = StagedUpload.Status.DISCARDED
        staged.content = b""
        staged.save(update_fields=["status", "content"])


def staged_or_404(model: type[StagedUpload], user, pk) -> StagedUpload:
    # An upload is private to the person who made it.
    staged = model.objects.filter(pk=pk, created_by=user).first()
    if staged is None:
        raise Http404("导入记录不存在")
    return staged
