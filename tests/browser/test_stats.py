import io
from decimal import ROUND_HALF_UP, Decimal

import docx
import pytest
from django.core.management import call_command
from django.utils import timezone

from pingyi.org.models import Post

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chiefs_today() -> tuple[int, Decimal]:
    """The loaded chiefs and their mean age in whole years today, counted here in Python."""
    today = timezone.localdate()
    births = {
        p.cadre.pk: p.cadre.birth
        for p in Post.objects.valid_on(today).filter(is_chief=True).select_related("cadre")
    }
    ages = [today.year - b.year - (b.month > today.month) for b in births.values()]
    mean_age = (Decimal(sum(ages)) / len(ages)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return len(ages), mean_age


def test_the_analysis_reads_like_the_speech(page, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    login(page, "zzb", "pingyi-demo")
    page.click("nav >> text=队伍结构")
    page.wait_for_selector("[data-source=chart-age] canvas")
    paragraph = page.inner_text("#speech-text")
    count, mean_age = chiefs_today()
    assert count == 160
    assert paragraph.startswith(f"目前，全市160名乡镇（街道）党政正职，平均年龄{mean_age}岁")
    assert "名具有乡镇党政正职任职经历" in paragraph
    assert page.locator("#county-table tbody tr").count() == 7
    shot(page, "stats-01-city")

    page.click("[data-copy=speech-text]")
    page.wait_for_selector("#copy-done:not([hidden])")

    page.select_option("select[name=scope]", label="桐溪县")
    page.select_option("select[name=cohort]", value="secretaries")
    page.click("#stats-filters button.primary")
    page.wait_for_selector("text=桐溪县乡镇（街道）党（工）委书记队伍结构分析")
    assert page.inner_text("#speech-text").startswith("目前，桐溪县12名乡镇（街道）党（工）委书记")
    shot(page, "stats-02-county-secretaries")

    with page.expect_download() as download:
        page.click("text=导出 Word")
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "桐溪县乡镇（街道）党（工）委书记队伍结构分析" in text
    assert len(document.tables) >= 5 and len(document.inline_shapes) >= 3
