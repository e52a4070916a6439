"""Who sees what: every object route answers 404 out of scope, pages and API alike."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from pingyi.org.actions import do_stage_roster
from pingyi.testing import cadre_values, make_cadre, make_city, make_personas, roster_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = make_city()
    people = make_personas(city)
    cadres = {
        "qingshan": make_cadre(city.qingshan, "青山书记"),
        "wenchang": make_cadre(city.wenchang, "文昌主任", titles=["街道办事处主任"]),
        "liuying": make_cadre(city.liuying, "柳营乡长", titles=["乡长"], birth=dt.date(1990, 1, 1)),
        "east": make_cadre(city.east, "东城区长", titles=["区长"]),
    }
    return city, people, cadres


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def object_routes(city, cadre):
    return [
        reverse("unit_detail", args=[city.pk]),
        reverse("unit_edit", args=[city.pk]),
        reverse("cadre_detail", args=[cadre.pk]),
        reverse("cadre_edit", args=[cadre.pk]),
        f"/api/v1/units/{city.pk}",
        f"/api/v1/cadres/{cadre.pk}",
    ]


def test_an_outsider_gets_404_for_every_object_route_of_another_county(world):
    city, people, cadres = world
    outsider = client_for(people.outsider)
    for unit, cadre in [(city.qingshan, cadres["qingshan"]), (city.east, cadres["east"])]:
        for url in object_routes(unit, cadre):
            assert outsider.get(url).status_code == 404, url
    # The same routes for the outsider's own township work.
    for url in [
        reverse("unit_detail", args=[city.liuying.pk]),
        reverse("cadre_detail", args=[cadres["liuying"].pk]),
    ]:
        assert outsider.get(url).status_code == 200, url


def test_a_missing_object_and_a_hidden_one_look_the_same(world):
    _city, people, cadres = world
    outsider = client_for(people.outsider)
    hidden = outsider.get(reverse("cadre_detail", args=[cadres["qingshan"].pk]))
    missing = outsider.get(reverse("cadre_detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert "不在您的查看范围内" in hidden.content.decode()


def test_a_staged_roster_upload_is_private_to_its_uploader(world):
    _city, people, _cadres = world
    staged = do_stage_roster(people.clerk, "a.xlsx", roster_bytes([cadre_values()]))
    for url in [reverse("roster_preview", args=[staged.pk])]:
        assert client_for(people.liaison).get(url).status_code == 404
        assert client_for(people.clerk).get(url).status_code == 200
    assert client_for(people.liaison).post(reverse("roster_confirm", args=[staged.pk])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("organizer", {"青山书记", "文昌主任", "柳营乡长", "东城区长"}),
        ("leader", {"青山书记", "文昌主任", "柳营乡长", "东城区长"}),
        ("liaison", {"青山书记", "文昌主任", "东城区长"}),
        ("clerk", {"青山书记"}),
        ("outsider", {"柳营乡长"}),
    ],
)
def test_each_role_lists_exactly_its_scope(world, persona, visible):
    _city, people, _cadres = world
    client = client_for(getattr(people, persona))
    page = client.get(reverse("cadre_list")).content.decode()
    for name in {"青山书记", "文昌主任", "柳营乡长", "东城区长"}:
        assert (name in page) == (name in visible), (persona, name)
    api = client.get("/api/v1/cadres").json()
    assert {c["name"] for c in api["items"]} == visible
    assert api["count"] == len(visible)


def test_the_unit_tree_and_export_follow_the_scope(world):
    _city, people, _cadres = world
    tree = client_for(people.liaison).get(reverse("unit_tree")).content.decode()
    assert "青山镇" in tree and "柳营乡" not in tree and "西河县" not in tree
    response = client_for(people.clerk).get(reverse("cadre_export"))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    from pingyi.lib.xlsx import read_workbook

    sheets, _ = read_workbook(response.content, {"干部名册": ["姓名"], "单位": ["单位名称"]})
    assert [r["姓名"] for _, r in sheets["干部名册"].rows] == ["青山书记"]
    assert [r["单位名称"] for _, r in sheets["单位"].rows] == ["青山镇"]


def test_a_city_leader_reads_but_cannot_change_anything(world):
    city, people, cadres = world
    leader = client_for(people.leader)
    assert leader.get(reverse("cadre_detail", args=[cadres["qingshan"].pk])).status_code == 200
    assert leader.get(reverse("cadre_edit", args=[cadres["qingshan"].pk])).status_code == 403
    assert leader.get(reverse("unit_edit", args=[city.qingshan.pk])).status_code == 403
    assert leader.get(reverse("roster_upload")).status_code == 403
    response = leader.post(reverse("cadre_edit", args=[cadres["qingshan"].pk]), {"name": "改名"})
    assert response.status_code == 403
    cadres["qingshan"].refresh_from_db()
    assert cadres["qingshan"].name == "青山书记"
    assert "名册导入" not in leader.get(reverse("home")).content.decode()


def test_the_audit_log_is_for_organizers_only(world):
    _city, people, _cadres = world
    assert client_for(people.organizer).get(reverse("audit")).status_code == 200
    for persona in ("leader", "liaison", "clerk"):
        assert client_for(getattr(people, persona)).get(reverse("audit")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(world):
    _city, _people, cadres = world
    client = Client()
    for url in [
        reverse("home"),
        reverse("cadre_list"),
        reverse("cadre_detail", args=[cadres["qingshan"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/api/v1/cadres").status_code == 401
