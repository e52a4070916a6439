"""待办: what each role has to do next, gathered from the apps for the home page.

Apps register a provider in their AppConfig.ready(): `PROVIDERS.append(fn)`, where fn(user, today)
returns a list of Todo. The home page lists them in the order the apps registered, urgent ones first.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    text: str  # one sentence: what and how many
    link: str  # where to do it
    count: int = 0  # shown as a badge when > 0
    urgent: bool = False  # overdue or blocking a round
    key: str = ""  # stable name for tests and anchors


PROVIDERS: list = []


def for_user(user, today) -> list[Todo]:
    items = [item for provider in PROVIDERS for item in provider(user, today)]
    return sorted(items, key=lambda t: not t.urgent)  # stable: urgent first, otherwise as registered


# A liaison's county summary: one row per township, one column per app. Apps register
# fn(user, townships, today) -> list[Column] in their AppConfig.ready().
SUMMARIES: list = []


@dataclass(frozen=True)
class Cell:
    text: str
    urgent: bool = False
    link: str = ""


@dataclass(frozen=True)
class Column:
    label: str
    cells: dict  # township id -> Cell


def summary(user, townships, today) -> tuple[list[str], list[tuple[object, list[Cell | None]]]]:
    """(column labels, [(township, cells in column order)]) for the townships given."""
    columns = [column for provider in SUMMARIES for column in provider(user, townships, today)]
    rows = [(t, [c.cells.get(t.pk) for c in columns]) for t in townships]
    return [c.label for c in columns], rows
