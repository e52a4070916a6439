from django.conf import settings
from django.db import models

from pingyi.lib.staging import StagedUpload
from pingyi.org.vocab import TOWNSHIP_KINDS

from . import catalogue as cat

MAX_DIGITS, DECIMAL_PLACES = 18, 4


class Area(models.TextChoices):
    DEVELOPMENT = cat.DEVELOPMENT, "发展"
    PEOPLE = cat.PEOPLE, "民生"
    SAFETY = cat.SAFETY, "平安"
    PARTY = cat.PARTY, "党建"


class Direction(models.TextChoices):
    HIGHER = cat.HIGHER, "越高越好"
    LOWER = cat.LOWER, "越低越好"
    NEUTRAL = cat.NEUTRAL, "不作比较"


class Derivation(models.TextChoices):
    RAW = cat.RAW, "原始数据"
    PER_10K = cat.PER_10K, "每万人口"
    RATIO = cat.RATIO, "两项指标之比"
    RATE = cat.RATE, "比率（%）"


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def stored(self):
        """The raw indicators: the only ones that hold entered values."""
        return self.filter(derivation=Derivation.RAW)


class Indicator(models.Model):
    key = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("指标名称", max_length=60, unique=True)
    short_name = models.CharField("简称", max_length=20, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    area = models.CharField("领域", max_length=4, choices=Area.choices)
    direction = models.CharField("比较方向", max_length=8, choices=Direction.choices)
    derivation = models.CharField("计算方式", max_length=8, choices=Derivation.choices)
    numerator = models.ForeignKey(
        "self", verbose_name="分子", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name="分母", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decimals = models.PositiveSmallIntegerField("显示小数位", default=0)
    target = models.DecimalField(
        "目标值", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    in_profile = models.BooleanField("用于乡镇画像雷达图", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("口径说明", max_length=200, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def is_raw(self) -> bool:
        return self.derivation == Derivation.RAW

    @property
    def is_rate(self) -> bool:
        return self.derivation == Derivation.RATE or self.unit == "%"

    @property
    def compared(self) -> bool:
        return self.direction != Direction.NEUTRAL

    @property
    def short(self) -> str:
        return self.short_name or self.name

    @property
    def label(self) -> str:
        """The column header of the workbook: 名称（单位）."""
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    def formula(self) -> str:
        if self.is_raw:
            return "填报值"
        scale = {Derivation.PER_10K: " × 10000", Derivation.RATE: " × 100%"}.get(self.derivation, "")
        return f"{self.numerator.name} ÷ {self.denominator.name}{scale}"


class Status(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


class IndicatorValueQuerySet(models.QuerySet):
    def townships(self):
        return self.filter(unit__kind__in=TOWNSHIP_KINDS)

    def within(self, unit):
        return self.filter(unit__path__startswith=unit.path)

    def counted(self):
        """What the analysis uses: signed-off values only."""
        return self.filter(approved_value__isnull=False)

    def pending(self):
        return self.filter(status=Status.PENDING)


class IndicatorValue(models.Model):
    """One raw indicator of one township in one year: the latest entry and the signed-off value.

    `value` is what the township last entered; `approved_value` is what the organizer last signed
    off, and the only one the analysis counts, so a correction waiting for sign-off does not
    remove the figure from the analysis meanwhile. Every change is kept in `ValueChange`.
    """

    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="indicator_values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values"
    )
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("填报值", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    approved_value = models.DecimalField(
        "审核值", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("填报时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "指标数据"
        verbose_name_plural = "指标数据"
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator", "year"], name="indicator_value_unique")
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.unit} {self.year} {self.indicator}"


class ValueChange(models.Model):
    """The history: one row per entry, import, sign-off or return of a value. Never edited."""

    class Action(models.TextChoices):
        ENTERED = "entered", "填报"
        IMPORTED = "imported", "导入"
        APPROVED = "approved", "审核通过"
        RETURNED = "returned", "退回"

    value = models.ForeignKey(IndicatorValue, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    old_value = models.DecimalField("原值", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True)
    new_value = models.DecimalField("新值", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True)
    status = models.CharField("操作后状态", max_length=10, choices=Status.choices)
    reason = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "指标数据修改记录"
        verbose_name_plural = "指标数据修改记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.value} {self.get_action_display()}"


class ValueImport(StagedUpload):
    """An uploaded indicator workbook waiting for confirmation, and afterwards its record."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="indicator_imports"
    )

    class Meta:
        verbose_name = "指标数据导入"
        verbose_name_plural = "指标数据导入"
        ordering = ["-created_at", "-id"]
