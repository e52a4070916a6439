"""The demo city is written for one day; `load_demo` moves it to the day it runs.

Every date of the demo (births, careers, rounds, deadlines, indicator years) is written relative to
ANCHOR, then moved by the time from ANCHOR to the day of loading, so a demo loaded in any year
has a past round in the past, an open round about to meet, some problems overdue and others not,
and the same ages and tenures as the day it was written for.
"""

import datetime as dt

from django.utils import timezone

from pingyi.org.demo_data import TODAY, ym

ANCHOR = dt.date(2026, 11, 23)  # within demo_data.TODAY's month


def today() -> dt.date:
    return timezone.localdate()


def months_later(day: dt.date | None = None) -> int:
    """Whole months from the demo city's month to `day`'s, for build_demo_city."""
    day = day or today()
    return ym(day.year, day.month) - TODAY


def moved(date: dt.date, day: dt.date | None = None) -> dt.date:
    """A date of the demo as written for ANCHOR, moved to keep its distance from `day`."""
    return date + ((day or today()) - ANCHOR)


def indicator_years(day: dt.date | None = None) -> tuple[int, int, int]:
    """The last three complete years before `day`'s year (2023–2025 as written)."""
    last = (day or today()).year - 1
    return (last - 2, last - 1, last)
