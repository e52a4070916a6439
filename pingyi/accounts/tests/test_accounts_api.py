"""/api/v1/users: the account actions for scripts, under the pages' rules."""

import pytest
from django.test import Client

from pingyi.accounts.models import User
from pingyi.audit.models import AuditEvent
from pingyi.testing import make_city, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return make_personas(make_city())


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_organizer_creates_edits_resets_and_disables_accounts_over_the_api(people):
    api = client_for(people.organizer)
    created = api.post(
        "/api/v1/users",
        {"username": "wc-clerk", "role": "township_clerk", "unit_code": "379901001000", "full_name": "赵敏"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["user"]["unit_name"] == "文昌街道" and body["user"]["must_change_password"]
    account = User.objects.get(username="wc-clerk")
    assert account.check_password(body["password"])

    moved = api.patch(
        f"/api/v1/users/{account.pk}", {"unit_code": "379901101000"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["unit_name"] == "青山镇"
    event = AuditEvent.objects.get(action="account_edit", target="wc-clerk")
    assert (
        event.detail["old"]["unit"] == "379901001000 文昌街道"
        and event.detail["new"]["unit"] == "379901101000 青山镇"
    )

    reset = api.post(f"/api/v1/users/{account.pk}/reset-password").json()
    account.refresh_from_db()
    assert account.check_password(reset["password"]) and reset["password"] != body["password"]
    assert api.post(f"/api/v1/users/{account.pk}/disable").json()["is_active"] is False
    assert {u["username"] for u in api.get("/api/v1/users").json()} >= {"wc-clerk", "clerk", "organizer"}


def test_bulk_creation_over_the_api_returns_each_password_once(people):
    response = client_for(people.organizer).post("/api/v1/users/bulk", {"pattern": "{kind}{short}"},
                                                  content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert sorted(i["user"]["username"] for i in response.json()) == ["qx379902", "xz379901001"]


def test_the_api_refuses_bad_input_in_chinese_and_other_roles_with_403(people):
    api = client_for(people.organizer)
    wrong_unit = api.post("/api/v1/users", {"username": "x-user", "role": "county_liaison", "unit_code": "379901101000"},
                          content_type="application/json")  # fmt: skip
    assert (wrong_unit.status_code, wrong_unit.json()) == (
        400,
        {"detail": "所属单位：县区联络员须属于一个县（市、区）"},
    )
    taken = api.post(
        "/api/v1/users", {"username": "Clerk", "role": "city_leader"}, content_type="application/json"
    )
    assert taken.status_code == 400 and "已被使用" in taken.json()["detail"]
    assert api.post("/api/v1/users/987654/disable").status_code == 404
    for persona in ("leader", "liaison", "clerk"):
        other = client_for(getattr(people, persona))
        assert other.get("/api/v1/users").status_code == 403
        refused = other.post(f"/api/v1/users/{people.organizer.pk}/reset-password")
        assert refused.status_code == 403 and refused.json() == {"detail": "仅组织部管理员可以访问"}
    assert not User.objects.filter(username="x-user").exists()
