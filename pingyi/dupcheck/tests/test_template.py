"""Our own report template is not copying: text found in it is class `template`, in no ratio."""

import pytest

from pingyi.dupcheck import actions
from pingyi.dupcheck.engine import MemoryIndex

FORM = (
    "述职报告模板\n"
    "按照市委关于开展乡镇（街道）党政正职述职评议活动的部署，现将本人履职情况报告如下。\n"
    "一、聚焦第一要务，当好发展的领头雁\n"
    "二、恪守为民情怀，当好群众的贴心人\n"
    "五、存在的问题和不足\n"
    "六、下一步工作打算"
)
OWN_DEVELOPMENT = "今年以来，青山镇完成固定资产投资12.6亿元，新签约亿元以上项目4个，茶叶加工园二期投产。"
OWN_LIVELIHOOD = "新建改建农村公路38公里，完成老旧小区改造3个，卫生院新增床位40张，群众出行更加便利。"
COPIED_PARAGRAPH = (
    "坚持把抓好党建作为最大政绩，每季度专题研究党建工作不少于一次，带头讲党课、上党课，"
    "推动基层党组织标准化规范化建设，软弱涣散村党组织全部完成整顿转化。"
)
ON_THE_FORM = "\n".join(
    [
        "按照市委关于开展乡镇（街道）党政正职述职评议活动的部署，现将本人履职情况报告如下。",
        "一、聚焦第一要务，当好发展的领头雁",
        OWN_DEVELOPMENT,
        "二、恪守为民情怀，当好群众的贴心人",
        OWN_LIVELIHOOD,
    ]
)


def index_with_form() -> MemoryIndex:
    index = MemoryIndex()
    index.add("form", FORM, name="述职报告模板（市委组织部印发）", author="市委组织部", template=True)
    index.add(
        "essay", "乡镇党委书记述职报告范文\n一年来，" + COPIED_PARAGRAPH, name="某网站范文", author="某网站"
    )
    return index


def test_a_report_written_on_the_template_counts_for_nothing():
    report = index_with_form().check(ON_THE_FORM, author="青山镇")
    assert {p.cls for p in report.passages} == {"template"}
    assert ON_THE_FORM[report.passages[0].start : report.passages[0].end].startswith("按照市委关于开展乡镇")
    assert report.total_copy_ratio == report.excluding_quotes_ratio == 0.0
    assert report.max_single_source["ratio"] == 0.0 and report.longest_run == 0
    assert report.class_chars["template"] > 60
    assert all(p.total_copy_ratio == 0.0 for p in report.paragraphs)


def test_a_copied_paragraph_beside_the_template_is_all_that_counts():
    text = ON_THE_FORM + "\n" + COPIED_PARAGRAPH
    report = index_with_form().check(text, author="青山镇")
    copied = [p for p in report.passages if p.cls == "copied"]
    assert [text[p.start : p.end] for p in copied] == [COPIED_PARAGRAPH]
    chars = report.chars
    assert report.excluding_quotes_ratio == report.total_copy_ratio == round(len(COPIED_PARAGRAPH) / chars, 4)
    assert report.max_single_source["source"] == "某网站范文"


def test_the_template_claims_its_wording_before_reports_that_follow_it():
    index = index_with_form()
    own = ["柳营乡茶园面积扩大到八千亩。", "石桥镇引进两家建材企业。", "东湖街道改造背街小巷十九条。"]
    for n, town in enumerate(["柳营乡", "石桥镇", "东湖街道"]):
        text = ON_THE_FORM.replace(OWN_DEVELOPMENT, own[n]).replace(OWN_LIVELIHOOD, own[n - 1])
        index.add(f"r{n}", text, author=town, corpus=False)
    report = index.check(ON_THE_FORM, author="青山镇")
    assert {p.source for p in report.passages if p.cls != "common"} == {"述职报告模板（市委组织部印发）"}
    assert report.total_copy_ratio == 0.0


def test_a_quotation_in_the_template_stays_template():
    index = MemoryIndex()
    form = "写作要求：坚持“上面千条线，下面一根针”的要求，如实报告履职情况，不得照抄照搬。"
    index.add("form", form, template=True)
    report = index.check(form)
    assert {p.cls for p in report.passages} == {"template"}


@pytest.mark.django_db
def test_the_systems_template_is_indexed_as_the_template_kind_and_counts_for_nothing():
    from pingyi.reviews.actions import _template_in_corpus
    from pingyi.reviews.wording import REPORT_OPENING

    _template_in_corpus(None)
    _template_in_corpus(None)  # once only
    form = actions.Document.objects.get(kind="corpus_form")
    assert form.title == "述职报告模板（市委组织部印发）" and form.get_kind_display() == "述职报告模板"
    doc = actions.do_index_document(
        title="青山镇述职报告", text=REPORT_OPENING + "\n" + OWN_DEVELOPMENT, kind="report", author="青山镇"
    )
    result = actions.do_check_document(doc)
    assert [p["class"] for p in result.passages] == ["template"]
    assert result.metrics["total_copy_ratio"] == result.metrics["excluding_quotes_ratio"] == 0.0
    assert result.metrics["class_chars"]["template"] == len(REPORT_OPENING)


def test_another_report_following_the_template_is_not_credited_with_the_templates_wording():
    index = index_with_form()
    other = (
        ON_THE_FORM.replace(OWN_DEVELOPMENT, "柳营乡茶园面积扩大到八千亩。").replace(
            OWN_LIVELIHOOD, "修路九公里。"
        )
        + "\n"
        + COPIED_PARAGRAPH
    )
    index.add("liuying", other, name="柳营乡述职报告", author="柳营乡", corpus=False)
    text = ON_THE_FORM + "\n" + COPIED_PARAGRAPH
    report = index.check(text, author="青山镇")
    # Only the copied paragraph is the other report's (and the full stop before a heading it shares,
    # too short to be a passage): the template's headings are nobody's.
    assert report.max_single_source["source"] == "柳营乡述职报告"
    credited = round(report.max_single_source["ratio"] * report.chars)
    assert report.class_chars["copied"] <= credited <= report.class_chars["copied"] + 1
