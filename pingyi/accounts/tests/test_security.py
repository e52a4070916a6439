import pytest
from django.test import Client, override_settings
from django.urls import reverse

from pingyi.accounts.models import ApiToken, LoginFailure
from pingyi.audit.models import AuditEvent
from pingyi.org.models import Unit
from pingyi.testing import PASSWORD, make_cadre, make_city, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    city = make_city()
    make_cadre(city.qingshan)
    return make_personas(city)


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_every_page_carries_a_policy_without_inline_scripts(people):
    client = Client()
    client.force_login(people.organizer)
    for url in [reverse("home"), reverse("cadre_list"), reverse("login"), "/api/docs"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
    html = client.get(reverse("home")).content.decode()
    # Every <script> either loads a file or carries JSON data; none runs inline code.
    for tag in html.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head


def test_login_succeeds_and_is_logged(people):
    client = Client()
    response = login(client, "clerk")
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(action="login", actor=people.clerk).exists()


def test_a_wrong_password_is_refused_in_chinese_and_logged(people):
    response = login(Client(), "clerk", "wrong")
    assert response.status_code == 400
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", target="clerk").count() == 1


@override_settings(LOGIN_MAX_FAILURES=5)
def test_five_failures_lock_the_account_even_for_the_right_password(people):
    client = Client()
    for _ in range(5):
        assert login(client, "clerk", "wrong").status_code == 400
    response = login(client, "clerk")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_locked").count() == 1
    # Another account is not affected.
    assert login(Client(), "liaison").status_code == 302


@override_settings(LOGIN_MAX_FAILURES=5)
def test_the_lock_expires_after_the_window(people):
    client = Client()
    for _ in range(5):
        login(client, "clerk", "wrong")
    from datetime import timedelta

    from django.utils import timezone

    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert login(client, "clerk").status_code == 302


def test_logout_needs_a_post_and_is_logged(people):
    client = Client()
    client.force_login(people.clerk)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=people.clerk).exists()


def test_an_api_token_is_shown_once_and_works_with_the_users_scope(people):
    client = Client()
    client.force_login(people.clerk)
    client.post(reverse("token_create"), {"name": "统计脚本"})
    page = client.get(reverse("account")).content.decode()
    token = ApiToken.objects.get(user=people.clerk)
    plain = page.split('<code class="token">')[1].split("<")[0]
    assert plain.startswith("pyt_") and ApiToken.hash(plain) == token.key_hash
    assert plain not in client.get(reverse("account")).content.decode()  # only once

    api = Client()
    response = api.get("/api/v1/cadres", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["items"]] == ["张明"]
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").json()["username"] == "clerk"
    assert api.get("/api/v1/cadres", HTTP_AUTHORIZATION="Bearer pyt_wrong").status_code == 401

    client.post(reverse("token_revoke", args=[token.pk]))
    assert api.get("/api/v1/cadres", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "token_create" in actions and "token_revoke" in actions


def test_one_user_cannot_revoke_anothers_token(people):
    token = ApiToken.objects.create(user=people.liaison, name="x", key_hash="h" * 64, hint="pyt_abc")
    client = Client()
    client.force_login(people.clerk)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_openapi_document_lists_the_v1_routes(people):
    schema = Client().get("/api/openapi.json").json()
    assert {
        "/api/v1/units", "/api/v1/cadres", "/api/v1/cadres/{cadre_id}", "/api/v1/stats/cohort",
        "/api/v1/dupcheck/checks", "/api/v1/dupcheck/results/{result_id}",
    } <= set(schema["paths"])  # fmt: skip
    page = Client().get("/api/docs").content.decode()
    assert "cdn" not in page.lower()


def test_an_api_404_says_in_chinese_what_was_not_found(people):
    client = Client()
    client.force_login(people.clerk)
    response = client.get(f"/api/v1/units/{Unit.objects.get(name='西河县').pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "单位不存在或不在您的查看范围内"}


def test_bad_api_requests_are_refused_in_chinese_naming_the_field(people):
    client = Client()
    client.force_login(people.organizer)
    bad_date = client.get("/api/v1/stats/cohort", {"as_of": "2026-13-01"})
    assert bad_date.status_code == 422
    assert bad_date.json()["message"] == "请求有误：查询参数 as_of：应为日期，如 2026-01-31"
    assert bad_date.json()["detail"][0]["field"] == "as_of"
    missing = client.post("/api/v1/dupcheck/checks", {"title": 1}, content_type="application/json")
    assert missing.json()["message"] == "请求有误：请求正文中的 title：应为文字；请求正文中的 text：缺少此项"
    not_json = client.post("/api/v1/dupcheck/checks", "不是 JSON", content_type="application/json")
    assert (not_json.status_code, not_json.json()) == (400, {"detail": "请求正文不是有效的 JSON"})
    anonymous = Client().get("/api/v1/units")
    assert (anonymous.status_code, anonymous.json()) == (401, {"detail": "未登录，或 API 令牌无效、已撤销"})
