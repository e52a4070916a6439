import datetime as dt

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from pingyi.accounts.access import get_cadre_or_404, get_unit_or_404, visible_cadres, visible_units
from pingyi.lib import yearmonth
from pingyi.lib.apitypes import Id, SmallCode

from .filters import AGE_BANDS, CadreFilterForm
from .models import Cadre, Post
from .vocab import Education

router = Router(tags=["单位与干部"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    population: int | None


class PostOut(Schema):
    unit_id: int
    unit_name: str
    title: str
    start: str
    end: str | None
    is_chief: bool


class ResumeLineOut(Schema):
    line_no: int
    raw: str
    status: str
    start: str | None
    end: str | None
    text: str
    problem: str


class CadreOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth: str
    age: int
    unit_id: int
    unit_name: str
    titles: list[str]
    is_chief: bool
    highest_education: str | None


class CadreDetailOut(CadreOut):
    native_place: str
    political_status: str
    party_joined: str | None
    work_started: str | None
    education_fulltime: str | None
    education_inservice: str | None
    id_number_masked: str
    posts: list[PostOut]
    resume: list[ResumeLineOut]


class CadreFilters(Schema):
    q: str = ""
    unit: Id | None = None
    title: str = ""
    chiefs: bool = False
    age: str = ""
    education: SmallCode | None = None


def _ym(value):
    return yearmonth.fmt(value) if value else None


def _label(value):
    return Education(value).label if value else None


def _cadre(cadre: Cadre, today: dt.date) -> dict:
    posts = getattr(cadre, "current_posts", None)
    if posts is None:
        posts = list(cadre.posts.current())
    return {
        "id": cadre.pk,
        "name": cadre.name,
        "gender": cadre.gender,
        "ethnicity": cadre.ethnicity,
        "birth": yearmonth.fmt(cadre.birth),
        "age": cadre.age_on(today),
        "unit_id": cadre.unit_id,
        "unit_name": cadre.unit.name,
        "titles": [p.title for p in posts],
        "is_chief": any(p.is_chief for p in posts),
        "highest_education": _label(cadre.highest_education_value),
    }


@router.get("/me", summary="当前用户")
def me(request: HttpRequest):
    user = request.user
    return {
        "username": user.get_username(),
        "name": str(user),
        "role": user.role,
        "role_label": user.get_role_display(),
        "unit_id": user.unit_id,
    }


@router.get("/units", response=list[UnitOut], summary="单位列表")
def list_units(request: HttpRequest, kind: str = "", parent: Id | None = None):
    units = visible_units(request.user).order_by("path")
    if kind:
        units = units.filter(kind=kind)
    if parent is not None:
        units = units.filter(parent_id=parent)
    return units


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def get_unit(request: HttpRequest, unit_id: Id):
    return get_unit_or_404(request.user, unit_id)


class BoundedPages(PageNumberPagination):
    """Page numbers a database can take: 4611686018427387903 × 50 overflowed PostgreSQL's bigint."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1_000)


@router.get(
    "/cadres",
    response=list[CadreOut],
    summary="干部列表",
    description="筛选条件与网页相同；age 取值：" + "、".join(AGE_BANDS),
)
@paginate(BoundedPages, page_size=50)
def list_cadres(request: HttpRequest, filters: Query[CadreFilters]):
    data = {k: v for k, v in filters.dict().items() if v not in (None, "", False)}
    form = CadreFilterForm(data or None, visible_units(request.user))
    today = dt.date.today()
    current = Post.objects.current().order_by("id")
    cadres = (
        form.apply(visible_cadres(request.user), today)
        .select_related("unit")
        .prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
        .order_by("unit__path", "id")
    )
    return _LazyCadres(cadres, today)


class _LazyCadres:
    """Lets the paginator slice the queryset before rows are turned into dicts."""

    def __init__(self, queryset, today):
        self.queryset, self.today = queryset, today

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return [_cadre(c, self.today) for c in self.queryset[item]]


@router.get("/cadres/{cadre_id}", response=CadreDetailOut, summary="干部详情")
def get_cadre(request: HttpRequest, cadre_id: Id):
    cadre = get_cadre_or_404(request.user, cadre_id)
    data = _cadre(cadre, dt.date.today())
    posts = cadre.posts.select_related("unit").order_by("end", "-start")
    data.update(
        native_place=cadre.native_place,
        political_status=cadre.political_status,
        party_joined=_ym(cadre.party_joined),
        work_started=_ym(cadre.work_started),
        education_fulltime=_label(cadre.education_fulltime),
        education_inservice=_label(cadre.education_inservice),
        id_number_masked=cadre.masked_id_number,
        posts=[
            {"unit_id": p.unit_id, "unit_name": p.unit.name, "title": p.title,
             "start": yearmonth.fmt(p.start), "end": _ym(p.end), "is_chief": p.is_chief}
            for p in posts
        ],
        resume=[
            {"line_no": e.line_no, "raw": e.raw, "status": e.status, "start": _ym(e.start),
             "end": _ym(e.end), "text": e.text, "problem": e.problem}
            for e in cadre.resume_entries.all()
        ],
    )  # fmt: skip
    return data
