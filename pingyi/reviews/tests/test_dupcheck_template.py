"""A report written on the organizers' own template shows its real copying, not the template's wording."""

import io
import random

import pytest
from django.urls import reverse

from pingyi.dupcheck import demo as dupcheck_demo
from pingyi.dupcheck.display import FIGURES_NOTE
from pingyi.dupcheck.models import CheckResult
from pingyi.reviews import actions
from pingyi.reviews.demo import _report_text
from pingyi.reviews.models import Area
from pingyi.reviews.wording import AREA_HEADINGS, REPORT_OPENING
from pingyi.testing import make_review

COPIED = dupcheck_demo.TEMPLATE_PARAGRAPH  # the paragraph of the demo's 范文 a report copies


@pytest.fixture
def review(world):
    return make_review(
        world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan, world.cadres.liuying]
    )


def _result(report) -> CheckResult:
    return CheckResult.objects.get(document_id=report.dupcheck_document_id)


def test_reports_on_the_template_show_only_what_they_copied(world, as_user, review):
    dupcheck_demo.load(io.StringIO())
    qingshan = review.appraisees.get(cadre=world.cadres.qingshan)
    liuying = review.appraisees.get(cadre=world.cadres.liuying)
    honest = actions.do_submit_report(
        qingshan, world.people.clerk, text=_report_text(qingshan, random.Random(1))
    )
    heading = AREA_HEADINGS[Area.PARTY][0]
    copying_text = _report_text(liuying, random.Random(2)).replace(f"{heading}\n", f"{heading}\n{COPIED}\n")
    copying = actions.do_submit_report(liuying, world.people.organizer, text=copying_text)

    mine = _result(honest)
    assert mine.metrics["excluding_quotes_ratio"] == 0.0 and mine.metrics["total_copy_ratio"] == 0.0
    assert mine.metrics["class_chars"]["template"] >= len(REPORT_OPENING)
    assert not mine.flagged
    theirs = _result(copying)
    copied = [copying_text[p["start"] : p["end"]] for p in theirs.passages if p["class"] == "copied"]
    assert copied == [COPIED + "\n"] or copied == [COPIED]
    assert theirs.metrics["excluding_quotes_ratio"] == theirs.metrics["total_copy_ratio"] > 0

    organizer = as_user(world.people.organizer)
    page = organizer.get(reverse("review_detail", args=[review.pk])).content.decode()
    table = page.split('id="appraisee-table"')[1].split("</table>")[0]
    # The headline figure is 去除引用复制比, with the total beside it.
    assert (
        f'class="dc-ratio" title="最新版本的去除引用复制比（只计复制的文字）">{mine.excluding_quotes_ratio * 100:.2f}%</a>'
        in (table)
    )
    assert f"／{theirs.total_copy_ratio * 100:.2f}%</span>" in table

    view = organizer.get(reverse("report_view", args=[honest.pk])).content.decode()
    assert 'class="dc-template"' in view and "模板" in view and FIGURES_NOTE in view
    headline = view.split('class="stats dc-measures"')[1]
    assert headline.index("去除引用复制比") < headline.index("总文字复制比")
