"""查重 over the JSON API: the contract's object for a new text or a stored result; organizers only."""

import pytest
from django.test import Client

from pingyi.accounts.actions import do_create_token
from pingyi.audit.models import AuditEvent
from pingyi.dupcheck import actions
from pingyi.dupcheck.engine import normalise
from pingyi.dupcheck.models import CheckResult, Document
from pingyi.testing import make_city, make_personas

from .test_seeds import SCRAPED, SIDEBAR_START, SPEECH

pytestmark = pytest.mark.django_db

CONTRACT = {
    "chars", "total_copy_ratio", "excluding_quotes_ratio", "max_single_source", "longest_run",
    "boilerplate_chars", "passages",
}  # fmt: skip


@pytest.fixture
def people():
    people = make_personas(make_city())
    actions.do_index_texts([("讲话全文", SPEECH, "某范文网")], kind="template")
    return people


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_text_sent_is_checked_and_answered_with_the_contracts_object(people):
    # Windows line ends: the offsets are into the text as sent.
    sent = SCRAPED.replace("\n", "\r\n")
    response = client_for(people.organizer).post(
        "/api/v1/dupcheck/checks", {"title": "某镇述职报告", "text": sent}, content_type="application/json"
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= CONTRACT and data["title"] == "某镇述职报告"
    assert data["total_copy_ratio"] >= 0.95 and data["max_single_source"]["source"] == "讲话全文"
    assert data["boilerplate_chars"] == sum(1 for ch in SCRAPED[SIDEBAR_START:] if not ch.isspace())
    for p in data["passages"]:
        assert set(p) == {"start", "end", "class", "source", "source_start", "source_end", "reworded"}
        # The same words at both ends, whatever the widths and the line ends.
        assert normalise(sent[p["start"] : p["end"]]) == normalise(
            SPEECH[p["source_start"] : p["source_end"]]
        )
    result = CheckResult.objects.get(pk=data["id"])
    assert result.document.kind == Document.Kind.ADHOC and data["url"] == f"/dupcheck/results/{result.pk}/"
    assert AuditEvent.objects.filter(action="dupcheck_adhoc", actor=people.organizer).exists()


def test_a_stored_result_is_read_back_in_the_same_form(people):
    result = actions.do_check_text(title="某镇述职报告", text=SCRAPED)
    data = client_for(people.organizer).get(f"/api/v1/dupcheck/results/{result.pk}").json()
    assert data["id"] == result.pk and data["chars"] == result.metrics["chars"]
    assert len(data["passages"]) == len(result.passages)
    missing = client_for(people.organizer).get("/api/v1/dupcheck/results/999999")
    assert missing.status_code == 404 and missing.json() == {"detail": "查重结果不存在"}


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"text": "   \n\u200b"}, 422, "请求正文中的 text：没有可检测的文字"),
        # What the schema refuses is a 422 that names the field and the bound (schemathesis found the
        # empty text accepted by the schema but refused by the check).
        ({"text": ""}, 422, "请求正文中的 text：不能为空"),
        ({"text": "字" * 300_001}, 422, "请求正文中的 text：不能超过 200000 个字符"),
        ({"title": "无正文"}, 422, "请求正文中的 text：缺少此项"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(people, body, status, message):
    response = client_for(people.organizer).post(
        "/api/v1/dupcheck/checks", body, content_type="application/json"
    )
    assert response.status_code == status
    answer = response.json()
    assert message in (answer["detail"] if status == 400 else answer["message"])
    assert not CheckResult.objects.exists()


def test_only_organizers_may_use_the_duplicate_check_api(people):
    result = actions.do_check_text(title="x", text=SCRAPED)
    for persona in (people.leader, people.liaison, people.clerk):
        client = client_for(persona)
        refused = client.post("/api/v1/dupcheck/checks", {"text": SCRAPED}, content_type="application/json")
        assert refused.status_code == 403 and "仅组织部管理员" in refused.json()["detail"]
        assert client.get(f"/api/v1/dupcheck/results/{result.pk}").status_code == 403
    assert Client().get(f"/api/v1/dupcheck/results/{result.pk}").status_code == 401
    assert CheckResult.objects.count() == 1


def test_a_script_checks_a_text_with_an_api_token_and_no_session(people):
    _token, plain = do_create_token(people.organizer, "查重脚本")
    script = Client(enforce_csrf_checks=True)
    response = script.post(
        "/api/v1/dupcheck/checks", {"title": "脚本送检", "text": SCRAPED},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["total_copy_ratio"] >= 0.95
    # A browser session without the CSRF token may not post.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.organizer)
    refused = browser.post("/api/v1/dupcheck/checks", {"text": SCRAPED}, content_type="application/json")
    assert refused.status_code == 403 and "缺少 CSRF 令牌" in refused.json()["detail"]
    assert CheckResult.objects.count() == 1
