import datetime as dt

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest

from pingyi.lib import yearmonth
from pingyi.lib.staging import StagedUpload

from .vocab import COUNTY_KINDS, TOWNSHIP_KINDS, Degree, Education, Gender, UnitKind


class UnitQuerySet(models.QuerySet):
    def within(self, unit):
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)

    def townships(self):
        return self.filter(kind__in=TOWNSHIP_KINDS)

    def counties(self):
        return self.filter(kind__in=COUNTY_KINDS)


class Unit(models.Model):
    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("单位名称", max_length=60)
    kind = models.CharField("类型", max_length=4, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Codes from the root down, each followed by "/": a subtree is a prefix query.
    path = models.CharField(max_length=130, db_index=True, editable=False)
    population = models.PositiveIntegerField("常住人口", null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def is_township(self) -> bool:
        return self.kind in TOWNSHIP_KINDS

    @property
    def is_county(self) -> bool:
        return self.kind in COUNTY_KINDS

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def qualified_name(self) -> str:
        """`东城区/青山镇`: how the roster names a unit whose name is not unique."""
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name


class CadreQuerySet(models.QuerySet):
    def within(self, unit):
        return self.filter(unit__path__startswith=unit.path)

    def chiefs(self, on: dt.date | None = None):
        """Cadres holding a township chief post on the date (today by default), once each."""
        posts = Post.objects.valid_on(on or dt.date.today()).filter(is_chief=True)
        return self.filter(pk__in=posts.values("cadre_id"))

    def with_highest_education(self):
        return self.annotate(
            highest_education=Greatest(Coalesce("education_fulltime", 0), Coalesce("education_inservice", 0))
        )

    def born_between(self, earliest: dt.date | None, latest: dt.date | None):
        qs = self
        if earliest:
            qs = qs.filter(birth__gte=earliest)
        if latest:
            qs = qs.filter(birth__lte=latest)
        return qs

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__contains=text)
            | Q(unit__name__contains=text)
            | Q(posts__title__contains=text, posts__end__isnull=True)
        ).distinct()


class Cadre(models.Model):
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=10)
    birth = models.DateField("出生年月", help_text="存为当月1日")
    native_place = models.CharField("籍贯", max_length=40, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    party_joined = models.DateField("入党时间", null=True, blank=True)
    work_started = models.DateField("参加工作时间", null=True, blank=True)
    education_fulltime = models.PositiveSmallIntegerField(
        "全日制学历", choices=Education.choices, null=True, blank=True
    )
    degree_fulltime = models.PositiveSmallIntegerField(
        "全日制学位", choices=Degree.choices, null=True, blank=True
    )
    school_fulltime = models.CharField("全日制毕业院校及专业", max_length=100, blank=True)
    education_inservice = models.PositiveSmallIntegerField(
        "在职学历", choices=Education.choices, null=True, blank=True
    )
    degree_inservice = models.PositiveSmallIntegerField(
        "在职学位", choices=Degree.choices, null=True, blank=True
    )
    school_inservice = models.CharField("在职毕业院校及专业", max_length=100, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="cadres")
    id_number = models.CharField("身份证号", max_length=18, null=True, blank=True)
    resume = models.TextField("简历", blank=True)
    # Fields of the 任免审批表 (.lrmx) the registry has no column for, by their tag (ChuShengDi,
    # JianKangZhuangKuang, NiRenZhiWu …), kept so that an exported file carries them back.
    lrmx_fields = models.JSONField("任免审批表其他项", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["unit__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(id_number__isnull=False),
                name="cadre_unique_id_number",
            )
        ]
        indexes = [models.Index(fields=["name", "birth"])]

    def __str__(self):
        return self.name

    def age_on(self, ref: dt.date) -> int:
        return ref.year - self.birth.year - (1 if ref.month < self.birth.month else 0)

    @property
    def birth_label(self) -> str:
        return yearmonth.fmt(self.birth)

    @property
    def highest_education_value(self) -> int | None:
        values = [v for v in (self.education_fulltime, self.education_inservice) if v]
        return max(values) if values else None

    @property
    def masked_id_number(self) -> str:
        if not self.id_number:
            return ""
        return self.id_number[:6] + "********" + self.id_number[-4:]


class PostQuerySet(models.QuerySet):
    def valid_on(self, on: dt.date):
        """Held on the date: begun by its month, not ended before or in it."""
        month = yearmonth.month_start(on)
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gt=month))

    def current(self):
        return self.filter(end__isnull=True)

    def chiefs(self):
        return self.filter(is_chief=True)


class Post(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="posts")
    title = models.CharField("职务", max_length=60)
    start = models.DateField("任职时间")
    end = models.DateField("免职时间", null=True, blank=True)
    is_chief = models.BooleanField("党政正职", default=False)
    is_county_team = models.BooleanField("县级班子成员", default=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["cadre", "-start", "id"]
        indexes = [models.Index(fields=["is_chief", "start", "end"])]

    def __str__(self):
        return f"{self.unit.name}{self.title}"


class ResumeEntry(models.Model):
    """One line of a cadre's 简历, parsed; rebuilt whenever the 简历 changes."""

    class Status(models.TextChoices):
        OK = "ok", "已识别"
        NOTE = "note", "附注"
        UNPARSED = "unparsed", "无法识别"

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="resume_entries")
    line_no = models.PositiveSmallIntegerField("行号")
    raw = models.CharField("原文", max_length=300)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    start = models.DateField("起", null=True, blank=True)
    end = models.DateField("止", null=True, blank=True)
    text = models.CharField("单位职务", max_length=300, blank=True)
    problem = models.CharField("问题", max_length=100, blank=True)
    # Classified once when parsed, so statistics can count careers in the database.
    is_township_chief = models.BooleanField("乡镇党政正职", default=False)
    is_county_team = models.BooleanField("县级班子成员", default=False)

    class Meta:
        verbose_name = "简历条目"
        verbose_name_plural = "简历条目"
        ordering = ["cadre", "line_no"]

    def __str__(self):
        return self.raw


class Assessment(models.Model):
    """年度考核: one result a year (信息提取表 A15考核, .lrmx NianDuKaoHeJieGuo)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("考核年度")
    result = models.CharField("考核结论", max_length=20)

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["cadre", "-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="assessment_one_a_year")]

    def __str__(self):
        return f"{self.year}年度 {self.result}"


class CadrePhoto(models.Model):
    """The 任免审批表's photo (JPEG), apart from Cadre so lists never load it."""

    cadre = models.OneToOneField(Cadre, on_delete=models.CASCADE, related_name="photo")
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "照片"
        verbose_name_plural = "照片"

    def __str__(self):
        return f"{self.cadre_id} 照片"


class FamilyMember(models.Model):
    """家庭主要成员及重要社会关系, as the 任免审批表 lists them."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="family")
    order = models.PositiveSmallIntegerField("序号")
    relation = models.CharField("称谓", max_length=20, blank=True)
    name = models.CharField("姓名", max_length=40, blank=True)
    # As written (YYYYMM, YYYYMMDD, or empty for the deceased), so an export gives it back.
    birth = models.CharField("出生日期", max_length=20, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    work = models.CharField("工作单位及职务", max_length=200, blank=True)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["cadre", "order"]

    def __str__(self):
        return f"{self.relation} {self.name}"

    def as_lrmx(self) -> dict:
        """The member as the 任免审批表 writes it (readers.lrmx.FAMILY_TAGS)."""
        return {
            "ChengWei": self.relation,
            "XingMing": self.name,
            "ChuShengRiQi": self.birth,
            "ZhengZhiMianMao": self.political_status,
            "GongZuoDanWeiJiZhiWu": self.work,
        }


class RosterImport(StagedUpload):
    """An uploaded workbook waiting for confirmation, and afterwards its record."""

    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="roster_imports")

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-created_at"]
