"""One analysis, assembled once for the page and both exports."""

from dataclasses import dataclass

from .basic import Table, basic_table
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


def analyse(selection: Selection, year: int | None = None) -> Analysis:
    cadres = selection.cadres()
    f = figures(cadres, selection.as_of)
    flow = pipeline(selection, year)
    return Analysis(
        selection=selection,
        figures=f,
        ethnicity=ethnicity_table(cadres),
        counties=county_comparison(selection),
        pipeline=flow,
        paragraph=cohort_paragraph(selection, f),
        pipeline_text=pipeline_sentence(selection, flow),
        basic=basic_table(selection),
    )
