import io
import re

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pingyi.dupcheck import actions
from pingyi.dupcheck.models import CheckResult, Document
from pingyi.testing import make_city, make_personas

from .test_seeds import SCRAPED, SIDEBAR_START, SPEECH

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return make_personas(make_city())


@pytest.fixture
def organizer(people):
    client = Client()
    client.force_login(people.organizer)
    return client


@pytest.fixture
def corpus():
    return actions.do_index_texts([("讲话全文", SPEECH, "某范文网")], kind="template").added[0]


def assert_strict_page(html: str):
    """No inline script, no inline style, no inline event handler (the CSP would block them)."""
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_only_organizers_may_use_the_duplicate_check(people, corpus):
    result = actions.do_check_text(title="x", text=SCRAPED)
    urls = [
        reverse("dupcheck"),
        reverse("dupcheck_corpus"),
        reverse("dupcheck_result", args=[result.pk]),
        reverse("dupcheck_passage", args=[result.pk, 0]),
        reverse("dupcheck_result_docx", args=[result.pk]),
        reverse("dupcheck_document", args=[corpus.pk]),
    ]
    for persona in (people.leader, people.liaison, people.clerk):
        client = Client()
        client.force_login(persona)
        for url in urls:
            assert client.get(url).status_code == 403, (persona, url)
        assert client.post(reverse("dupcheck_refresh")).status_code == 403
        assert client.post(reverse("dupcheck_corpus_remove", args=[corpus.pk])).status_code == 403
    assert Document.objects.get(pk=corpus.pk).indexed
    anonymous = Client()
    assert anonymous.get(urls[0]).status_code == 302
    for url in urls:
        assert Client().get(url).status_code == 302
    organizer = Client()
    organizer.force_login(people.organizer)
    for url in urls:
        assert organizer.get(url).status_code == 200, url


def test_pasting_a_text_checks_it_and_shows_the_result_side_by_side(organizer, corpus):
    page = organizer.post(reverse("dupcheck"), {"title": "某镇述职报告", "text": SCRAPED}, follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert_strict_page(html)
    result = CheckResult.objects.get(document__kind="adhoc")
    assert page.redirect_chain[-1][0] == reverse("dupcheck_result", args=[result.pk])
    assert "总文字复制比" in html and "去除引用复制比" in html and "单篇最大复制比" in html
    assert "最长连续复制段" in html and "讲话全文" in html
    assert f'id="dc-total">{result.metrics["total_copy_ratio"] * 100:.2f}%' in html
    # Copied passages are marks that load their source beside them; the sidebar is struck through.
    first = reverse("dupcheck_passage", args=[result.pk, 0])
    assert f'hx-get="{first}"' in html and 'class="dc-copied"' in html and 'class="dc-quotation"' in html
    assert 'class="dc-boilerplate"' in html and "您可能感兴趣的文稿" in html
    assert 'id="dc-p1"' in html and "分段统计" in html
    assert "pingyi/css/dupcheck.css" in html and "pingyi/js/dupcheck.js" in html


def test_a_passage_opens_its_source_text_with_the_match_marked(organizer, corpus):
    result = actions.do_check_text(title="报告", text=SCRAPED)
    n = next(i for i, p in enumerate(result.passages) if p["end"] - p["start"] > 200)
    p = result.passages[n]
    part = organizer.get(reverse("dupcheck_passage", args=[result.pk, n]), HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert part.status_code == 200 and "<html" not in html
    marked = re.search(r'<mark class="dc-hit dc-copied">(.*?)</mark>', html, re.S).group(1)
    assert marked == SPEECH[p["source_start"] : p["source_end"]].split("\n")[0]
    assert "讲话全文" in html and "范文" in html
    assert (
        organizer.get(reverse("dupcheck_passage", args=[result.pk, len(result.passages)])).status_code == 404
    )
    assert organizer.get(reverse("dupcheck_result", args=[result.pk + 99])).status_code == 404


def test_uploading_a_word_document_checks_it(organizer, corpus):
    document = docx.Document()
    for line in SCRAPED[:SIDEBAR_START].split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    upload = SimpleUploadedFile("青山镇述职报告.docx", out.getvalue())
    page = organizer.post(reverse("dupcheck"), {"file": upload}, follow=True)
    result = CheckResult.objects.get(document__kind="adhoc")
    assert result.document.title == "青山镇述职报告"
    assert result.metrics["total_copy_ratio"] >= 0.95
    assert "青山镇述职报告" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"file": SimpleUploadedFile("报告.docx", b"PK\x03\x04 not really")}, "不是有效的 Word 文档"),
        ({"file": SimpleUploadedFile("报告.txt", bytes(range(256)))}, "不是文本文件"),
        ({"file": SimpleUploadedFile("报告.txt", b"")}, "文件为空"),
        ({"file": SimpleUploadedFile("报告.html", b"<html><script>x</script></html>")}, "没有找到正文"),
        ({"text": "  \n "}, "没有可检测的文字"),
        ({"text": "正文", "file": SimpleUploadedFile("报告.txt", "正文".encode())}, "二者选一"),
    ],
    ids=["fake-docx", "binary", "empty", "empty-html", "blank", "both"],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(organizer, data, message):
    page = organizer.post(reverse("dupcheck"), data)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not Document.objects.exists() and not CheckResult.objects.exists()


def test_a_huge_upload_is_refused_before_it_is_read(organizer):
    from pingyi.dupcheck.extract import MAX_BYTES

    def upload():
        return SimpleUploadedFile("报告.txt", b"a" * (MAX_BYTES + 1))

    page = organizer.post(reverse("dupcheck"), {"file": upload()})
    assert page.status_code == 400 and "文件过大" in page.content.decode()
    corpus = organizer.post(reverse("dupcheck_corpus"), {"kind": "template", "files": [upload()]})
    assert corpus.status_code == 400 and "文件过大" in corpus.content.decode()
    assert not Document.objects.exists()


def test_corpus_upload_imports_texts_and_collapses_duplicates(organizer):
    html = "<html><body><div><p>" + SPEECH.replace("\n", "</p><p>") + "</p></div></body></html>"
    files = [
        SimpleUploadedFile("讲话.txt", SPEECH.encode("gb18030")),
        SimpleUploadedFile("讲话网页版.html", html.encode("utf-8")),
    ]
    page = organizer.post(
        reverse("dupcheck_corpus"), {"kind": "template", "author": "某范文网", "files": files}, follow=True
    )
    text = page.content.decode()
    assert "已入库 1 篇，合并重复 1 篇" in text
    assert "《讲话网页版》与已入库的《讲话》内容相同或几乎相同" in text
    [doc] = Document.objects.all()
    assert (doc.title, doc.kind, doc.author) == ("讲话", "corpus_template", "某范文网")
    assert "讲话" in text and "范文" in text
    # The list gives each text's length in normalised characters.
    assert f'<td class="num">{len(doc.norm)}</td>' in text


def test_a_bad_file_in_a_corpus_upload_imports_nothing(organizer):
    files = [
        SimpleUploadedFile("讲话.txt", SPEECH.encode("utf-8")),
        SimpleUploadedFile("坏文件.docx", b"\x00\x01\x02"),
    ]
    page = organizer.post(reverse("dupcheck_corpus"), {"kind": "policy", "files": files})
    assert page.status_code == 400
    text = page.content.decode()
    assert "未导入任何文件" in text and "坏文件.docx" in text and "不是有效的 Word 文档" in text
    assert not Document.objects.exists()


def test_the_result_view_is_available_as_an_include_for_other_pages(corpus):
    from django.template import Context, Template

    report = actions.do_index_document(title="某镇述职报告", text=SCRAPED, kind="report", author="青山镇")
    result = actions.do_check_document(report)
    html = Template("{% load dupcheck_tags %}{% dupcheck_side_by_side result %}").render(
        Context({"result": result})
    )
    assert "总文字复制比" in html and reverse("dupcheck_passage", args=[result.pk, 0]) in html


def test_results_left_stale_by_a_corpus_upload_are_shown_and_rechecked_on_request(organizer, monkeypatch):
    first = actions.do_check_document(
        actions.do_index_document(title="甲镇述职报告", text=SCRAPED, kind="report", author="甲镇")
    )
    actions.do_check_document(
        actions.do_index_document(title="乙镇述职报告", text=SCRAPED[:800], kind="report", author="乙镇")
    )
    # The upload's time for rechecking is up after the first result.
    monkeypatch.setattr(actions, "WEB_REFRESH_SECONDS", 0)
    upload = SimpleUploadedFile("讲话全文.txt", SPEECH.encode("utf-8"))
    page = organizer.post(
        reverse("dupcheck_corpus"), {"kind": "template", "author": "某范文网", "files": [upload]}, follow=True
    )
    assert "已重新检测 1 份查重结果；另有 1 份查重结果待重新检测" in page.content.decode()
    home = organizer.get(reverse("dupcheck")).content.decode()
    assert "有 <b>1</b> 份查重结果尚未按最新范文库重新检测" in home and home.count("待更新</span>") == 1
    page = organizer.post(reverse("dupcheck_refresh"), follow=True).content.decode()
    assert "已重新检测 1 份查重结果，全部结果均已按最新范文库更新" in page
    assert "尚未按最新范文库重新检测" not in page and "待更新</span>" not in page
    assert not CheckResult.objects.stale().exists()
    first.refresh_from_db()
    # The part of 甲镇's report beyond what 乙镇 shares is now found in the new 范文.
    assert "讲话全文" in {p["source"] for p in first.passages}


def test_opening_a_stale_result_shows_it_against_todays_corpus(organizer):
    result = actions.do_check_document(
        actions.do_index_document(title="甲镇述职报告", text=SCRAPED, kind="report", author="甲镇")
    )
    assert result.metrics["total_copy_ratio"] == 0.0
    actions.do_index_texts([("讲话全文", SPEECH, "某范文网")], kind="template", refresh=False)
    page = organizer.get(reverse("dupcheck_result", args=[result.pk])).content.decode()
    assert "讲话全文" in page
    result.refresh_from_db()
    assert result.metrics["total_copy_ratio"] >= 0.95


def test_a_result_exports_as_a_word_report_with_its_copied_text_marked_red(organizer, corpus, settings):
    settings.ORGANIZATION_NAME = "中共青州市委组织部"
    result = actions.do_check_text(title="某镇述职报告", text=SCRAPED)
    page = organizer.get(reverse("dupcheck_result", args=[result.pk])).content.decode()
    assert reverse("dupcheck_result_docx", args=[result.pk]) in page
    response = organizer.get(reverse("dupcheck_result_docx", args=[result.pk]))
    assert response["Content-Disposition"].endswith(
        "%E6%9F%A5%E9%87%8D%E6%A3%80%E6%B5%8B%E6%8A%A5%E5%91%8A.docx"
    )
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    total = f"{result.metrics['total_copy_ratio'] * 100:.2f}%"
    assert "述职报告查重检测报告" in text and "《某镇述职报告》" in text
    assert f"总文字复制比{total}" in text and "单篇最大复制比" in text and "（讲话全文）" in text
    assert "中共青州市委组织部" in text
    # The sidebar is left out of the marked text; the copied speech is red.
    assert "您可能感兴趣的文稿" not in text
    red = "".join(
        r.text
        for p in document.paragraphs
        for r in p.runs
        if r.font.color.type and str(r.font.color.rgb) == "C00000"
    )
    copied = sorted((p["start"], p["end"]) for p in result.passages if p["class"] == "copied")
    assert copied and red == "".join(SCRAPED[a:b].replace("\n", "") for a, b in copied)
    sources = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert sources[0] == ["序号", "来源", "类别", "字数", "占检测字数"]
    assert sources[1][1:3] == ["讲话全文", "范文"]
    passages = document.tables[-1]
    assert len(passages.rows) == len(result.passages) + 1


def test_the_organizer_removes_a_template_from_the_corpus(organizer, corpus):
    result = actions.do_check_text(title="某镇述职报告", text=SCRAPED)
    url = reverse("dupcheck_corpus_remove", args=[corpus.pk])
    page = organizer.get(reverse("dupcheck_document", args=[corpus.pk])).content.decode()
    assert f'hx-post="{url}"' in page and "hx-confirm=" in page and "移出范文库</button>" in page
    assert organizer.get(url).status_code == 405
    unticked = organizer.post(url)
    assert unticked.status_code == 400 and "请勾选“确认移出”后再移出《讲话全文》" in unticked.content.decode()
    assert Document.objects.get(pk=corpus.pk).indexed
    response = organizer.post(url, {"confirm": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("dupcheck_corpus")
    page = organizer.get(reverse("dupcheck_corpus")).content.decode()
    assert "《讲话全文》已移出范文库，不再参与比对；已重新检测 1 份查重结果。" in page
    result.refresh_from_db()
    assert result.metrics["total_copy_ratio"] == 0.0
    page = organizer.get(reverse("dupcheck_document", args=[corpus.pk])).content.decode()
    assert "此文档已移出范文库" in page and "移出范文库</button>" not in page
    again = organizer.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert "《讲话全文》已不在范文库中。" in again


def test_a_report_cannot_be_removed_as_if_it_were_a_corpus_text(organizer):
    report = actions.do_index_document(title="甲镇述职报告", text=SCRAPED, kind="report", author="甲镇")
    assert organizer.post(reverse("dupcheck_corpus_remove", args=[report.pk])).status_code == 404
    assert Document.objects.get(pk=report.pk).indexed
