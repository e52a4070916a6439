"""One analysis, assembled once for the page and both exports."""

from dataclasses import dataclass

from .basic import Table, basic_table
from .changes import Comparison, before_transition, compare, year_before
from .cohort import Selection, county_comparison, ethnicity_table, figures
from .pipeline import pipeline
from .speech import cohort_paragraph, pipeline_sentence


@dataclass
class Analysis:
    selection: Selection
    figures: dict
    ethnicity: list[dict]
    counties: list[dict]
    pipeline: dict
    paragraph: str
    pipeline_text: str
    basic: Table
    comparison: Comparison | None = None

    @property
    def change_text(self) -> str:
        return self.comparison.sentence if self.comparison else ""

    @property
    def title(self) -> str:
        s = self.selection
        return f"{s.scope_name}{s.cohort_label}队伍结构分析"

    def charts(self) -> dict:
        """Data for the ECharts on the page and the PNGs in the Word file."""
        f = self.figures
        return {
            "age": {
                "labels": [b["label"] for b in f["age_bands"]],
                "values": [b["count"] for b in f["age_bands"]],
            },
            "cohorts": {
                "labels": [b["label"] for b in f["birth_cohorts"]],
                "values": [b["count"] for b in f["birth_cohorts"]],
            },
            "education": {
                "labels": [e["label"] for e in f["education"]],
                "series": {
                    "最高学历": [e["highest"] for e in f["education"]],
                    "全日制学历": [e["fulltime"] for e in f["education"]],
                },
            },
            "counties": {
                "labels": [c["unit"].name for c in self.counties],
                "values": [float(c["mean_age"]) if c["mean_age"] is not None else 0 for c in self.counties],
            },
        }


def comparison(selection: Selection, f: dict, table: Table, mode: str, since=None) -> Comparison | None:
    """The figures on an earlier date against these: 上年同期, 换届前 or a given date."""
    if mode == "none":
        return None
    if mode == "transition":
        since = before_transition(selection)
        if since is None or since >= selection.as_of:
            return None
        label = f"换届前（{since.year}年{since.month}月）"
    elif mode == "date" and since is not None:
        label = f"{since.year}年{since.month}月{since.day}日"
    else:
        since, label = year_before(selection.as_of), "上年同期"
    earlier = Selection(since, selection.scope, selection.cohort)
    earlier_figures = figures(earlier.cadres(), since)
    before = (earlier_figures, basic_table(earlier, total=earlier_figures, total_only=True))
    return compare(selection, since, label, before, (f, table))


def analyse(selection: Selection, year: int | None = None, mode: str = "year", since=None) -> Analysis:
    cadres = selection.cadres()
    f = figures(cadres, selection.as_of)
    flow = pipeline(selection, year)
    counties = county_comparison(selection)
    table = basic_table(selection, total=f, counties=counties)
    return Analysis(
        selection=selection,
        figures=f,
        ethnicity=ethnicity_table(cadres),
        counties=counties,
        pipeline=flow,
        paragraph=cohort_paragraph(selection, f),
        pipeline_text=pipeline_sentence(selection, flow),
        basic=table,
        comparison=comparison(selection, f, table, mode, since),
    )
