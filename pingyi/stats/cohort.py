"""Who is counted, and the figures over them (spec/statistics.md).

Every figure is one database aggregate over the cohort's cadres; nothing loads
the cadres into Python, so a city of 100,000 cadres is analysed in well under a
second.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Func, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from pingyi.lib.yearmonth import birth_bounds, fmt
from pingyi.org.models import Cadre, Post, Unit
from pingyi.org.vocab import Degree, Education

from .numbers import mean, pct

COHORTS = {
    "chiefs": "乡镇（街道）党政正职",
    "secretaries": "乡镇（街道）党（工）委书记",
    "heads": "乡镇长、街道办事处主任",
    "county_teams": "县（市、区）党政领导班子成员",
}
SECRETARY_TITLES = ["党委书记", "党工委书记"]
AGE_BANDS = [("35岁及以下", None, 35), ("36–40岁", 36, 40), ("41–45岁", 41, 45),
             ("46–50岁", 46, 50), ("51–55岁", 51, 55), ("56岁及以上", 56, None)]  # fmt: skip
DECADES = [("60后", 1960), ("70后", 1970), ("80后", 1980), ("90后", 1990)]
HAN = "汉族"
PARTY = ("中共党员", "中共预备党员")
# The 基本情况统计表's bands (statistics.md), apart from the page's AGE_BANDS above.
TABLE_AGE_BANDS = [
    ("age_35_or_under", None, 35),
    ("age_36_40", 36, 40),
    ("age_41_45", 41, 45),
    ("age_46_50", 46, 50),
    ("age_51_54", 51, 54),
    ("age_55_59", 55, 59),
    ("age_60_or_over", 60, None),
]


@dataclass(frozen=True)
class Selection:
    as_of: dt.date
    scope: Unit | None = None  # None: the whole city
    cohort: str = "chiefs"
    review: object = None  # a reviews.Review: its appraisees instead of the posts held

    @property
    def scope_name(self) -> str:
        return self.scope.name if self.scope else "全市"

    @property
    def cohort_label(self) -> str:
        return COHORTS[self.cohort]

    def posts(self):
        posts = Post.objects.valid_on(self.as_of)
        if self.scope is not None:
            posts = posts.filter(unit__path__startswith=self.scope.path)
        if self.cohort == "county_teams":
            return posts.filter(is_county_team=True)
        posts = posts.filter(is_chief=True)
        if self.cohort == "secretaries":
            return posts.filter(title__in=SECRETARY_TITLES)
        if self.cohort == "heads":
            return posts.exclude(title__in=SECRETARY_TITLES)
        return posts

    def cadres(self):
        """Each person once, however many qualifying posts they hold."""
        if self.review is not None:
            speakers = self.review.appraisees.all()
            if self.scope is not None:
                speakers = speakers.filter(unit__path__startswith=self.scope.path)
            return Cadre.objects.filter(pk__in=speakers.values("cadre_id"))
        return Cadre.objects.filter(pk__in=self.posts().values("cadre_id"))


class MonthIndex(Func):
    """A month as a number, 12 × year + month − 1, in SQL. SQLite's EXTRACT is a Python
    function called per row; its dates are ISO text, so substr reads the same numbers
    several times faster."""

    output_field = IntegerField()
    arity = 1
    template = (
        "(CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER) * 12"
        " + CAST(EXTRACT(MONTH FROM %(expressions)s) AS INTEGER) - 1)"
    )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="(CAST(substr(%(expressions)s, 1, 4) AS INTEGER) * 12"
            " + CAST(substr(%(expressions)s, 6, 2) AS INTEGER) - 1)",
            **extra,
        )


def _age(as_of: dt.date):
    """Completed years to the reference month: whole twelves of months since the birth month."""
    return (Value(as_of.year * 12 + as_of.month - 1) - MonthIndex("birth")) / Value(12)


def _highest():
    return Greatest(Coalesce("education_fulltime", 0), Coalesce("education_inservice", 0))


def _degree():
    return Greatest(Coalesce("degree_fulltime", 0), Coalesce("degree_inservice", 0))


def _band(as_of: dt.date, low, high) -> Q:
    earliest, latest = birth_bounds(as_of, low, high)
    q = Q()
    if earliest:
        q &= Q(birth__gte=earliest)
    if latest:
        q &= Q(birth__lte=latest)
    return q


def _decade(start: int) -> Q:
    return Q(birth__gte=dt.date(start, 1, 1), birth__lt=dt.date(start + 10, 1, 1))


def _aggregates(as_of: dt.date) -> dict:
    counts = {
        "count": Count("id"),
        "age_sum": Sum("age"),
        "oldest": Min("birth"),
        "youngest": Max("birth"),
        "female": Count("id", filter=Q(gender="女")),
        "ethnic_minority": Count("id", filter=~Q(ethnicity=HAN)),
        "age_35_or_under": Count("id", filter=_band(as_of, None, 35)),
    }
    for _label, start in DECADES:
        counts[f"decade_{start}"] = Count("id", filter=_decade(start))
    for i, (_label, low, high) in enumerate(AGE_BANDS):
        counts[f"band_{i}"] = Count("id", filter=_band(as_of, low, high))
    counts["party_members"] = Count("id", filter=Q(political_status__in=PARTY))
    for key, low, high in TABLE_AGE_BANDS[1:]:
        counts[key] = Count("id", filter=_band(as_of, low, high))
    for level in Degree:
        counts[f"degree_{level.value}"] = Count("id", filter=Q(degree=level.value))
    for level in Education:
        counts[f"highest_{level.value}"] = Count("id", filter=Q(highest=level.value))
        counts[f"fulltime_{level.value}"] = Count("id", filter=Q(education_fulltime=level.value))
    return counts


def figures(cadres, as_of: dt.date) -> dict:
    """The statistics.md figures over a queryset of cadres, in one aggregate query."""
    row = cadres.annotate(age=_age(as_of), highest=_highest(), degree=_degree()).aggregate(
        **_aggregates(as_of)
    )
    return _shape(row, as_of)


def _shape(row: dict, as_of: dt.date) -> dict:
    n = row["count"]
    highest = {level: row[f"highest_{level.value}"] for level in Education}
    fulltime = {level: row[f"fulltime_{level.value}"] for level in Education}
    bachelor = sum(v for k, v in highest.items() if k >= Education.BACHELOR)
    fulltime_bachelor = sum(v for k, v in fulltime.items() if k >= Education.BACHELOR)
    decades = {start: row[f"decade_{start}"] for _label, start in DECADES}
    return {
        "as_of": as_of.isoformat(),
        "count": n,
        "mean_age": mean(row["age_sum"] or 0, n),
        **{f"born_{start}s": decades[start] for start in decades},
        **{f"born_{start}s_pct": pct(decades[start], n) for start in decades},
        "age_35_or_under": row["age_35_or_under"],
        "age_35_or_under_pct": pct(row["age_35_or_under"], n),
        "female": row["female"],
        "female_pct": pct(row["female"], n),
        "ethnic_minority": row["ethnic_minority"],
        "ethnic_minority_pct": pct(row["ethnic_minority"], n),
        "bachelor_or_above": bachelor,
        "bachelor_or_above_pct": pct(bachelor, n),
        "masters": highest[Education.MASTER],
        "masters_pct": pct(highest[Education.MASTER], n),
        "doctorate": highest[Education.DOCTOR],
        "fulltime_bachelor_or_above": fulltime_bachelor,
        "fulltime_bachelor_or_above_pct": pct(fulltime_bachelor, n),
        "fulltime_masters": fulltime[Education.MASTER],
        "fulltime_doctorate": fulltime[Education.DOCTOR],
        "oldest_birth": fmt(row["oldest"]) or None,
        "youngest_birth": fmt(row["youngest"]) or None,
        "age_bands": [
            {"label": label, "count": row[f"band_{i}"], "pct": pct(row[f"band_{i}"], n)}
            for i, (label, _low, _high) in enumerate(AGE_BANDS)
        ],
        "birth_cohorts": [
            {"label": label, "count": decades[start], "pct": pct(decades[start], n)}
            for label, start in DECADES
        ]
        + _other_cohort(n, decades),
        "education": [
            {
                "label": level.label,
                "highest": highest[level],
                "highest_pct": pct(highest[level], n),
                "fulltime": fulltime[level],
                "fulltime_pct": pct(fulltime[level], n),
            }
            for level in reversed(Education)
        ]
        + [_unrecorded_education(n, highest, fulltime)],
        **_table_counts(row, n, highest),
    }


def _table_counts(row: dict, n: int, highest: dict) -> dict:
    """The 基本情况统计表's counts that the database can make (basic.py adds the careers')."""
    recorded = sum(highest.values())
    return {
        "party_members": row["party_members"],
        "non_party_members": n - row["party_members"],
        "edu_graduate": highest[Education.MASTER] + highest[Education.DOCTOR],
        "edu_bachelor": highest[Education.BACHELOR],
        "edu_college": highest[Education.JUNIOR_COLLEGE],
        "edu_secondary": highest[Education.SECONDARY],
        "edu_high_school_or_below": highest[Education.HIGH_SCHOOL] + n - recorded,
        "degree_doctor": row[f"degree_{Degree.DOCTOR.value}"],
        "degree_master": row[f"degree_{Degree.MASTER.value}"],
        "degree_bachelor": row[f"degree_{Degree.BACHELOR.value}"],
        **{key: row[key] for key, _low, _high in TABLE_AGE_BANDS},
    }


def _other_cohort(n: int, decades: dict) -> list[dict]:
    other = n - sum(decades.values())
    return [{"label": "其他", "count": other, "pct": pct(other, n)}] if other else []


def _unrecorded_education(n: int, highest: dict, fulltime: dict) -> dict:
    none_highest = n - sum(highest.values())
    none_fulltime = n - sum(fulltime.values())
    return {"label": "未填写", "highest": none_highest, "highest_pct": pct(none_highest, n),
            "fulltime": none_fulltime, "fulltime_pct": pct(none_fulltime, n)}  # fmt: skip


def ethnicity_table(cadres) -> list[dict]:
    n = cadres.count()
    rows = cadres.values("ethnicity").annotate(count=Count("id")).order_by("-count", "ethnicity")
    return [{"label": r["ethnicity"], "count": r["count"], "pct": pct(r["count"], n)} for r in rows]


def county_comparison(selection: Selection) -> list[dict]:
    """One row per county-level unit in the scope, all from one grouped query.

    A person counts in the county of their qualifying post (the township's
    parent; for county teams the county itself).
    """
    if selection.scope is not None and not (selection.scope.is_county or selection.scope.parent_id is None):
        return []
    county_field = "unit_id" if selection.cohort == "county_teams" else "unit__parent_id"
    county = Subquery(selection.posts().filter(cadre=OuterRef("pk")).order_by("id").values(county_field)[:1])
    grouped = (
        selection.cadres()
        .annotate(age=_age(selection.as_of), highest=_highest(), degree=_degree(), county=county)
        .values("county")
        .annotate(**_aggregates(selection.as_of))
        .order_by()
    )
    rows = {row["county"]: row for row in grouped}
    counties = (
        Unit.objects.counties().filter(pk__in=list(rows))
        if selection.scope is None
        else (Unit.objects.filter(pk=selection.scope.pk, pk__in=list(rows)))
    )
    return [{"unit": c, **_shape(rows[c.pk], selection.as_of)} for c in counties.order_by("code")]
