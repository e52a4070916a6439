"""Ballot forms, evaluator groups, one-time tokens and anonymous ballots.

Anonymity is in the shape of the tables: a Ballot has no foreign key to a
BallotToken, a random id, no timestamp at all; a token records only that it was
used, not when. The receipt shown to the evaluator is random and published
after closing, so each evaluator can find their ballot and nobody else can tell
whose it is.
"""

import copy
import uuid

from django.db import models
from django.db.models.functions import Coalesce

from pingyi.reviews.models import Review

# Fewer ballots than this in a group, and the group's published ballots or means could be read one
# by one: no group is published with fewer, and no group mean for an appraisee from fewer.
MIN_GROUP_BALLOTS = 5

DEFAULT_SCALE = [
    {"label": "好", "points": 100},
    {"label": "较好", "points": 80},
    {"label": "一般", "points": 60},
    {"label": "差", "points": 40},
    {"label": "不了解", "points": None},
]
DEFAULT_CRITERIA = [
    {"key": "development", "label": "发展领头雁", "weight": 30},
    {"key": "livelihood", "label": "群众贴心人", "weight": 25},
    {"key": "safety", "label": "平安守护者", "weight": 25},
    {"key": "party", "label": "党建与作风廉洁", "weight": 20},
]
DEFAULT_RULES = {
    "trim": {"min_count": 6, "drop_high": 1, "drop_low": 1},
    "top_quota": {"share": 0.3, "min_score": 90},
    "reject_uniform": True,
    "grades": [
        {"label": "好", "min": 90},
        {"label": "较好", "min": 75},
        {"label": "一般", "min": 60},
        {"label": "差", "min": 0},
    ],
    "min_valid": 5,
}


def _scale():
    return [dict(level) for level in DEFAULT_SCALE]


def _criteria():
    return [dict(c) for c in DEFAULT_CRITERIA]


def _rules():
    return copy.deepcopy(DEFAULT_RULES)


class BallotForm(models.Model):
    """测评表: the scale, criteria and rules of one review; frozen once a token is issued."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="ballot_form")
    scale = models.JSONField("档次", default=_scale)
    criteria = models.JSONField("测评内容", default=_criteria)
    rules = models.JSONField("计分规则", default=_rules)
    frozen = models.BooleanField("已冻结", default=False)

    class Meta:
        verbose_name = "测评表"
        verbose_name_plural = "测评表"

    def __str__(self):
        return f"{self.review.label}测评表"


class EvaluatorGroupQuerySet(models.QuerySet):
    def with_counts(self):
        """Each group with `issued` (codes not voided) and `cast` (ballots received, valid or not).

        Counted in subqueries: two Counts over joins would pair every token with every ballot."""
        tokens = BallotToken.objects.filter(group=models.OuterRef("pk")).exclude(status=TokenStatus.VOID)
        ballots = Ballot.objects.filter(group=models.OuterRef("pk"))
        return self.annotate(issued=_count_of(tokens), cast=_count_of(ballots))


def _count_of(rows: models.QuerySet):
    counted = rows.order_by().values("group").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted), 0)


class EvaluatorGroup(models.Model):
    """评议主体, e.g. 市领导 with weight 40 and 12 evaluators."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="evaluator_groups")
    key = models.SlugField("代码", max_length=30)
    label = models.CharField("名称", max_length=40)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2)
    head_count = models.PositiveIntegerField("人数")
    order = models.PositiveSmallIntegerField(default=0)
    # A group that cast fewer than MIN_GROUP_BALLOTS ballots would be readable ballot by ballot in the
    # published record, so before publication the organizer combines it: into another group for this
    # round, or with the other small groups as 其他评议人 (publish.record_groups).
    merge_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged", verbose_name="并入"
    )
    pooled = models.BooleanField("并入“其他评议人”", default=False)

    objects = EvaluatorGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "评议组"
        verbose_name_plural = "评议组"
        ordering = ["review", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="group_key_once_per_review")]

    def __str__(self):
        return self.label


class TokenStatus(models.TextChoices):
    ISSUED = "issued", "未使用"
    USED = "used", "已使用"
    VOID = "void", "已作废"


class BallotToken(models.Model):
    """测评凭证: only a keyed hash of the code is kept; the plain code exists only on the printed slip."""

    group = models.ForeignKey(EvaluatorGroup, on_delete=models.CASCADE, related_name="tokens")
    code_hash = models.CharField(max_length=64, unique=True)
    batch = models.PositiveSmallIntegerField("批次", default=1)
    serial = models.PositiveIntegerField("序号")
    status = models.CharField("状态", max_length=8, choices=TokenStatus.choices, default=TokenStatus.ISSUED)

    class Meta:
        verbose_name = "测评凭证"
        verbose_name_plural = "测评凭证"
        ordering = ["group", "batch", "serial"]

    def __str__(self):
        return f"{self.group.label} 第{self.batch}批 {self.serial}号"


class Source(models.TextChoices):
    PHONE = "phone", "手机"
    PAPER = "paper", "纸质"


class BallotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("选票一经记录不可修改")

    def delete(self):
        raise TypeError("选票一经记录不可删除")


class Ballot(models.Model):
    """选票. Immutable; no link to its token and no time of any kind (see module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="ballots")
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField("回执码", max_length=12, unique=True)
    ratings = models.JSONField("评价")  # {appraisee key: {criterion key: level label}}
    source = models.CharField("来源", max_length=6, choices=Source.choices, default=Source.PHONE)

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"
        # Listing order must not follow submission order either.
        ordering = ["receipt"]

    def __str__(self):
        return self.receipt

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("选票一经记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("选票一经记录不可删除")


class Publication(models.Model):
    """结果公布: the audit record and its tally, frozen when the result is published.

    The page, the exports and the downloadable record all read from here, so what
    was published is what anyone can recount.
    """

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="publication")
    record = models.JSONField("审计记录")
    result = models.JSONField("计票结果")
    published_at = models.DateTimeField("公布时间", auto_now_add=True)

    class Meta:
        verbose_name = "测评结果"
        verbose_name_plural = "测评结果"

    def __str__(self):
        return f"{self.review.label}测评结果"


class PaperStatus(models.TextChoices):
    FIRST = "first", "待第二人录入"
    MISMATCH = "mismatch", "两次录入不一致"
    COUNTED = "counted", "已计入"


class PaperEntry(models.Model):
    """A paper ballot typed twice by two people; it becomes a Ballot only when both agree.

    `number` is the serial written on the paper sheet, not anything about its author.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="paper_entries")
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.PROTECT, related_name="paper_entries")
    number = models.CharField("纸质选票编号", max_length=20)
    first = models.JSONField("第一次录入")
    first_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    second = models.JSONField("第二次录入", null=True, blank=True)
    second_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=PaperStatus.choices, default=PaperStatus.FIRST)

    class Meta:
        verbose_name = "纸质选票录入"
        verbose_name_plural = "纸质选票录入"
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="paper_number_once_per_review")
        ]

    def __str__(self):
        return f"纸质选票 {self.number}"

    def differences(self) -> list[tuple[str, str]]:
        """(appraisee key, criterion key) where the two entries disagree."""
        cells = set()
        for entry in (self.first, self.second or {}):
            for a, row in entry.items():
                cells |= {(a, c) for c in row}
        second = self.second or {}
        return sorted(
            c for c in cells if self.first.get(c[0], {}).get(c[1]) != second.get(c[0], {}).get(c[1])
        )
