"""Organizers manage the city's accounts; everybody changes their own password."""

import io

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from pingyi.accounts import actions, credentials, workbook
from pingyi.accounts.models import ApiToken, Role, User
from pingyi.audit.models import AuditEvent
from pingyi.lib import xlsx
from pingyi.org.models import Unit
from pingyi.testing import PASSWORD, make_city, make_personas, make_unit

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qingshan2026town"


@pytest.fixture
def city():
    return make_city()


@pytest.fixture
def people(city):
    return make_personas(city)


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def issued_on_page(client) -> dict[str, str]:
    page = client.get(reverse("user_issued")).content.decode()
    table = page.split('id="issued-table"')[1]
    rows = [r for r in table.split("<tr>")[2:]]
    return {
        r.split("<code>")[1].split("<")[0]: r.split('<code class="token">')[1].split("<")[0] for r in rows
    }


def test_an_organizer_creates_an_account_whose_password_is_shown_once_and_changed_at_first_login(
    city, people
):
    organizer = as_user(people.organizer)
    response = organizer.post(
        reverse("user_create"),
        {
            "username": "ｑｓ-clerk",
            "full_name": "王芳",
            "role": Role.TOWNSHIP_CLERK,
            "unit": city.qingshan.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("user_issued")
    passwords = issued_on_page(organizer)
    assert list(passwords) == ["qs-clerk"]  # stored as the login form reads it (NFKC)
    account = User.objects.get(username="qs-clerk")
    assert account.must_change_password and account.unit == city.qingshan and account.full_name == "王芳"
    initial = passwords["qs-clerk"]

    # Kept 30 minutes at most, printed or not.
    session = organizer.session
    session["issued_accounts"]["at"] -= 31 * 60
    session.save()
    assert initial not in organizer.get(reverse("user_issued")).content.decode()
    assert "issued_accounts" not in organizer.session
    organizer.post(reverse("user_reset", args=[account.pk]))
    initial = issued_on_page(organizer)["qs-clerk"]
    # Once: cleared, the password is nowhere to be read again.
    organizer.post(reverse("user_issued"))
    assert initial not in organizer.get(reverse("user_issued")).content.decode()
    assert organizer.get(reverse("user_issued_pdf")).status_code == 302

    # The first login leads to the password change, and nothing else opens until it is done.
    clerk = Client()
    assert login(clerk, "qs-clerk", initial)["Location"] == reverse("password_change")
    assert clerk.get(reverse("cadre_list"))["Location"] == reverse("password_change")
    assert clerk.get("/api/v1/cadres").status_code == 403
    weak = clerk.post(
        reverse("password_change"),
        {"old_password": initial, "new_password1": "short1", "new_password2": "short1"},
    )
    assert weak.status_code == 400 and "密码太短：至少需要 10 个字符" in weak.content.decode()
    letters = clerk.post(
        reverse("password_change"),
        {
            "old_password": initial,
            "new_password1": "onlyletterspassword",
            "new_password2": "onlyletterspassword",
        },
    )
    assert "密码须同时包含字母和数字" in letters.content.decode()
    done = clerk.post(
        reverse("password_change"),
        {"old_password": initial, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert clerk.get(reverse("cadre_list")).status_code == 200
    account.refresh_from_db()
    assert not account.must_change_password and account.check_password(NEW_PASSWORD)
    create = AuditEvent.objects.get(action="account_create", target="qs-clerk")
    assert (
        create.detail["new"]["unit"] == "379901101000 青山镇" and create.detail["new"]["role"] == "乡镇填报员"
    )
    assert AuditEvent.objects.filter(action="password_change", actor=account).exists()
    assert initial not in str(list(AuditEvent.objects.values_list("summary", "detail")))


@pytest.mark.parametrize(
    "role, unit, reason",
    [
        (Role.TOWNSHIP_CLERK, "east", "乡镇填报员须属于一个乡镇（街道）"),
        (Role.TOWNSHIP_CLERK, None, "乡镇填报员须属于一个乡镇（街道）"),
        (Role.COUNTY_LIAISON, "qingshan", "县区联络员须属于一个县（市、区）"),
    ],
)
def test_role_and_unit_must_fit_the_access_rules(city, people, role, unit, reason):
    data = {"username": "x-user", "role": role, "unit": getattr(city, unit).pk if unit else ""}
    response = as_user(people.organizer).post(reverse("user_create"), data)
    assert response.status_code == 400 and reason in response.content.decode()
    assert not User.objects.filter(username="x-user").exists()


def test_a_username_taken_in_another_case_or_width_is_refused(people):
    for name in ["CLERK", "ｃlerk"]:
        response = as_user(people.organizer).post(
            reverse("user_create"), {"username": name, "role": Role.CITY_LEADER}
        )
        assert response.status_code == 400 and "已被使用" in response.content.decode(), name


def test_an_edit_is_audited_with_its_old_and_new_values(city, people):
    actions.do_update_user(people.clerk, user=people.organizer, full_name="李强", unit=city.wenchang)
    event = AuditEvent.objects.get(action="account_edit")
    assert event.detail["old"] == {"full_name": "clerk", "unit": "379901101000 青山镇"}
    assert event.detail["new"] == {"full_name": "李强", "unit": "379901001000 文昌街道"}
    assert event.summary == "姓名：clerk → 李强；所属单位：379901101000 青山镇 → 379901001000 文昌街道"


def test_a_disabled_account_is_logged_out_at_once_and_its_token_stops(people):
    clerk = as_user(people.clerk)
    _token, plain = actions.do_create_token(people.clerk, "脚本")
    assert clerk.get(reverse("cadre_list")).status_code == 200
    response = as_user(people.organizer).post(reverse("user_disable", args=[people.clerk.pk]))
    assert response.status_code == 302
    assert clerk.get(reverse("cadre_list"))["Location"].startswith(reverse("login"))
    assert Client().get("/api/v1/cadres", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401
    assert login(Client(), "clerk", PASSWORD).status_code == 400
    assert User.objects.filter(pk=people.clerk.pk).exists()  # never deleted
    event = AuditEvent.objects.get(action="account_disable")
    assert (event.detail["old"], event.detail["new"]) == ({"is_active": "启用"}, {"is_active": "停用"})
    # And back.
    as_user(people.organizer).post(reverse("user_disable", args=[people.clerk.pk]), {"active": "1"})
    assert login(Client(), "clerk", PASSWORD).status_code == 302


def test_an_organizer_cannot_disable_or_demote_themselves(people):
    response = as_user(people.organizer).post(reverse("user_disable", args=[people.organizer.pk]))
    assert response.status_code == 400 and "不能停用自己的账号" in response.content.decode()
    with pytest.raises(actions.AccountError, match="不能修改自己的角色"):
        actions.do_update_user(people.organizer, user=people.organizer, role=Role.CITY_LEADER)


def test_a_reset_ends_every_session_of_the_account_and_forces_a_new_password(people):
    clerk = as_user(people.clerk)
    _token, plain = actions.do_create_token(people.clerk, "脚本")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert Client().get("/api/v1/cadres", **bearer).status_code == 200
    as_user(people.organizer).post(reverse("user_reset", args=[people.clerk.pk]))
    assert clerk.get(reverse("cadre_list"))["Location"].startswith(reverse("login"))
    assert login(Client(), "clerk", PASSWORD).status_code == 400
    assert AuditEvent.objects.filter(action="account_reset", target="clerk").exists()
    # The token waits for the new password too.
    assert Client().get("/api/v1/cadres", **bearer).status_code == 401
    people.clerk.refresh_from_db()
    actions.do_change_password(people.clerk, user=people.clerk, new_password=NEW_PASSWORD)
    assert Client().get("/api/v1/cadres", **bearer).status_code == 200


def test_changing_ones_password_ends_the_other_sessions_and_rotates_this_one(people):
    here, elsewhere = Client(), Client()
    login(here, "liaison", PASSWORD)
    login(elsewhere, "liaison", PASSWORD)
    key = here.session.session_key
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.session.session_key != key and here.get(reverse("account")).status_code == 200
    assert elsewhere.get(reverse("account"))["Location"].startswith(reverse("login"))
    wrong = here.post(
        reverse("password_change"),
        {"old_password": "not it", "new_password1": "Another2026pass", "new_password2": "Another2026pass"},
    )
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.content.decode()


def test_login_rotates_the_session_key(people):
    # A session planted before the login (session fixation) is not the one the login continues.
    client = Client()
    planted = client.session
    planted["probe"] = 1
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert login(client, "clerk", PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != planted.session_key and client.session["probe"] == 1  # kept, under a new key
    assert not SessionStore().exists(planted.session_key)


def test_password_changes_need_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 403
    people.clerk.refresh_from_db()
    assert people.clerk.check_password(PASSWORD)


def test_bulk_creation_makes_one_clerk_per_township_and_one_liaison_per_county_once(city, people):
    organizer = as_user(people.organizer)
    preview = organizer.get(reverse("users_bulk")).content.decode()
    # The personas already cover 青山镇, 柳营乡 (clerks) and 东城区 (liaison).
    assert "将创建 2 个账号" in preview and "379901001000" in preview and "379902000000" in preview
    response = organizer.post(reverse("users_bulk"), {"pattern": "{kind}{short}"})
    assert response.status_code == 302
    created = {
        u.username: (u.role, u.unit.name)
        for u in User.objects.filter(username__in=["xz379901001", "qx379902"])
    }
    assert created == {
        "xz379901001": (Role.TOWNSHIP_CLERK, "文昌街道"),
        "qx379902": (Role.COUNTY_LIAISON, "西河县"),
    }
    passwords = issued_on_page(organizer)
    assert set(passwords) == {"xz379901001", "qx379902"}
    assert login(Client(), "xz379901001", passwords["xz379901001"])["Location"] == reverse("password_change")
    # A second run finds nothing to do.
    assert organizer.post(reverse("users_bulk"), {"pattern": "{code}"})["Location"] == reverse("user_list")
    assert User.objects.count() == 7


def test_bulk_creation_refuses_the_whole_batch_when_a_name_is_taken(city, people):
    actions.do_create_user(user=people.organizer, username="379901001000", role=Role.CITY_LEADER)
    response = as_user(people.organizer).post(reverse("users_bulk"), {"pattern": "{code}"})
    assert response.status_code == 400
    assert "文昌街道：用户名「379901001000」已被使用" in response.content.decode()
    assert not User.objects.filter(username="379902000000").exists()
    # When the name belongs to a disabled account, the organizer is told to enable that one again.
    actions.do_set_active(User.objects.get(username="379901001000"), user=people.organizer, active=False)
    again = as_user(people.organizer).post(reverse("users_bulk"), {"pattern": "{code}"})
    assert (
        "用户名「379901001000」属于一个已停用的账号（可在账号管理中启用并重置密码）" in again.content.decode()
    )
    bad = as_user(people.organizer).post(reverse("users_bulk"), {"pattern": "clerk"})
    assert bad.status_code == 400 and "须含 {code}" in bad.content.decode()


def test_the_slips_have_one_slip_per_person_with_username_and_password(city, people):
    for n in range(9):
        make_unit(f"3799021{n:02d}000", f"测试{n}镇", "镇", city.west)
    issued = actions.do_create_for_units(user=people.organizer)
    assert len(issued) == 11
    pdf = PdfReader(
        io.BytesIO(
            credentials.slips_pdf(
                issued, login_url="http://pingyi.example/login/", organization="中共示例市委组织部"
            )
        )
    )
    assert len(pdf.pages) == 2  # 8 a page
    text = "".join(page.extract_text() for page in pdf.pages)
    for item in issued:
        assert item.user.username in text and item.password in text
    sheet = xlsx.read_workbook(credentials.workbook(issued), {"账号": ["用户名", "初始密码"]})[0]["账号"]
    assert {(r["用户名"], r["初始密码"]) for _n, r in sheet.rows} == {
        (i.user.username, i.password) for i in issued
    }


def accounts_workbook(rows) -> bytes:
    return xlsx.write_workbook([xlsx.SheetSpec(workbook.SHEET, workbook.COLUMNS, rows)])


def test_accounts_are_imported_from_a_workbook_all_or_nothing(city, people):
    organizer = as_user(people.organizer)
    bad = accounts_workbook(
        [
            ["wc-clerk", "赵敏", "乡镇填报员", "文昌街道"],
            ["xh-liaison", "钱进", "县区联络员", "柳营乡"],
            ["wc-clerk", "孙立", "市领导", None],
            ["bad name", None, "书记", None],
            ["nowhere", None, "乡镇填报员", "无此镇"],
        ]
    )
    response = organizer.post(reverse("users_import"), {"file": io.BytesIO(bad)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "工作表「账号」第4行「用户名」：「wc-clerk」与第2行重复" in page
    assert "工作表「账号」第5行「角色」：「书记」不是有效的角色" in page
    assert "工作表「账号」第6行「所属单位」：「无此镇」找不到该单位" in page
    assert "工作表「账号」第3行「所属单位」：县区联络员须属于一个县（市、区）" in page
    assert not User.objects.filter(username__in=["wc-clerk", "xh-liaison"]).exists()

    good = accounts_workbook(
        [
            ["wc-clerk", "赵敏", "乡镇填报员", "东城区/文昌街道"],
            ["xh-liaison", "钱进", "县区联络员", "379902000000"],
        ]
    )
    upload = io.BytesIO(good)
    upload.name = "账号.xlsx"
    assert organizer.post(reverse("users_import"), {"file": upload}).status_code == 302
    assert User.objects.get(username="xh-liaison").unit == Unit.objects.get(code="379902000000")
    assert set(issued_on_page(organizer)) == {"wc-clerk", "xh-liaison"}
    not_xlsx = organizer.post(reverse("users_import"), {"file": io.BytesIO(b"not a workbook")})
    assert not_xlsx.status_code == 400 and "不是 Excel 工作簿" in not_xlsx.content.decode()


def test_only_organizers_manage_accounts(people):
    for persona in ("leader", "liaison", "clerk"):
        client = as_user(getattr(people, persona))
        assert client.get(reverse("user_list")).status_code == 403
        assert client.post(reverse("user_reset", args=[people.organizer.pk])).status_code == 403
    with pytest.raises(Exception, match="仅组织部管理员可以管理账号"):
        actions.do_reset_password(people.organizer, user=people.leader)
    assert ApiToken.objects.count() == 0


def test_every_account_change_needs_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.organizer)
    target = people.clerk.pk
    for url, data in [
        (reverse("user_create"), {"username": "csrf-user", "role": Role.CITY_LEADER}),
        (reverse("user_edit", args=[target]), {"username": "clerk", "role": Role.CITY_LEADER}),
        (reverse("user_reset", args=[target]), {}),
        (reverse("user_disable", args=[target]), {}),
        (reverse("users_bulk"), {"pattern": "{code}"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    api = client.post("/api/v1/users/bulk", {}, content_type="application/json")
    assert api.status_code == 403 and "CSRF" in api.json()["detail"]
    people.clerk.refresh_from_db()
    assert (
        people.clerk.is_active
        and people.clerk.check_password(PASSWORD)
        and people.clerk.role == Role.TOWNSHIP_CLERK
    )
    assert User.objects.count() == 5


def test_a_username_pattern_with_a_format_spec_is_refused_before_it_builds_anything(people):
    for pattern in ["{code:>999999999}", "{code!r}", "{short}{0}", "{code"]:
        with pytest.raises(actions.AccountError, match=r"须含 \{code\}"):
            actions.do_create_for_units(user=people.organizer, pattern=pattern)
    assert User.objects.count() == 5
