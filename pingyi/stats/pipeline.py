"""The pipeline from township chief to county leadership team (statistics.md).

Members of county-level leadership teams at the date; those who ever held a
township chief post, from the registry's posts or the parsed 简历; and those
first promoted into a team in a given year straight from a township chief post.

"Straight from" is read as: the career spell that ended last before the first
team post began (within a year of it) was a township chief post. Team members
are few (tens per county), so their careers are compared in Python after two
queries.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q

from pingyi.lib.yearmonth import add_months
from pingyi.org.models import Cadre, Post, ResumeEntry

from .cohort import Selection
from .numbers import pct


@dataclass(frozen=True)
class Spell:
    start: dt.date
    end: dt.date | None
    township_chief: bool
    county_team: bool


def _members(selection: Selection):
    team = Selection(selection.as_of, selection.scope, "county_teams")
    return team.cadres()


def pipeline(selection: Selection, year: int | None = None) -> dict:
    as_of = selection.as_of
    members = _members(selection)
    chief_posts = Post.objects.filter(is_chief=True, start__lte=as_of).values("cadre_id")
    chief_lines = ResumeEntry.objects.filter(is_township_chief=True, start__lte=as_of).values("cadre_id")
    count = members.count()
    experienced = members.filter(Q(pk__in=chief_posts) | Q(pk__in=chief_lines)).count()
    careers = _careers(members, as_of)
    first_team = {pk: min(s.start for s in spells if s.county_team) for pk, spells in careers.items()
                  if any(s.county_team for s in spells)}  # fmt: skip
    if year is None:
        year = transition_year(first_team.values(), as_of)
    promoted = [pk for pk, start in first_team.items() if start.year == year]
    direct = [pk for pk in promoted if _came_from_township_chief(careers[pk], first_team[pk])]
    return {
        "team_members": count,
        "with_township_chief": experienced,
        "with_township_chief_pct": pct(experienced, count),
        "year": year,
        "promoted": len(promoted),
        "promoted_from_township_chief": len(direct),
        "promoted_from_township_chief_pct": pct(len(direct), len(promoted)),
    }


def transition_year(first_team_starts, as_of: dt.date) -> int:
    """The year most current members first joined a team (the last 换届), by default."""
    years = Counter(d.year for d in first_team_starts if d <= as_of)
    if not years:
        return as_of.year
    return max(years.items(), key=lambda item: (item[1], item[0]))[0]


def _careers(members, as_of: dt.date) -> dict[int, list[Spell]]:
    careers = defaultdict(list)
    member_ids = members.values("pk")
    for p in Post.objects.filter(cadre__in=member_ids, start__lte=as_of).values(
        "cadre_id", "start", "end", "is_chief", "is_county_team"
    ):
        careers[p["cadre_id"]].append(Spell(p["start"], p["end"], p["is_chief"], p["is_county_team"]))
    for e in ResumeEntry.objects.filter(cadre__in=member_ids, status="ok", start__lte=as_of).values(
        "cadre_id", "start", "end", "is_township_chief", "is_county_team"
    ):
        careers[e["cadre_id"]].append(
            Spell(e["start"], e["end"], e["is_township_chief"], e["is_county_team"])
        )
    return careers


def _came_from_township_chief(spells: list[Spell], team_start: dt.date) -> bool:
    before = [s for s in spells if s.start < team_start and s.end and s.end <= team_start]
    if not before:
        return False
    last = max(before, key=lambda s: (s.end, s.start))
    return last.township_chief and last.end >= add_months(team_start, -12)


def team_members(selection: Selection):
    return Cadre.objects.filter(pk__in=_members(selection).values("pk"))
