"""The JSON and htmx fragments carry only what the user's own pages show them.

The demo city of the fixture: 甲书记 (青山镇, the clerk's township, in 东城区 with 乙书记 of 文昌街道,
the liaison's county) and 丙书记 (柳营乡 in 西河县, the outsider's township).
"""

import json

from django.test import Client
from django.urls import reverse

from pingyi.reviews import actions as review_actions
from pingyi.testing import make_review


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def screen_state(voting, persona):
    return as_user(getattr(voting.people, persona)).get(reverse("meeting_state", args=[voting.review.pk]))


def test_the_screen_state_lists_only_the_speakers_in_the_users_scope(voting):
    expected = {
        "organizer": ["甲书记", "乙书记", "丙书记"],
        "leader": ["甲书记", "乙书记", "丙书记"],
        "liaison": ["甲书记", "乙书记"],
        "clerk": ["甲书记"],
        "outsider": ["丙书记"],
    }
    for persona, names in expected.items():
        state = screen_state(voting, persona).json()
        assert [a["name"] for a in state["agenda"]] == names, persona
        assert ("turnout" in state) == (persona in ("organizer", "leader")), persona
        text = screen_state(voting, persona).content.decode()
        for other in {"甲书记", "乙书记", "丙书记"} - set(names):
            assert other not in text, (persona, other)
    # The turnout names every evaluator group of the city: not for a township.
    assert {row["group"] for row in screen_state(voting, "leader").json()["turnout"]} == {
        "市领导",
        "群众代表",
    }


def test_the_current_speaker_is_hidden_from_those_whose_pages_do_not_show_them(voting):
    # A second round at its meeting, on to the third speaker, 丙书记 of 柳营乡.
    cadres = [a.cadre for a in voting.review.appraisees.order_by("order")]
    review = make_review(
        voting.people.organizer, stage="meeting", appraisees=cadres, title="第二期", number=2
    )
    voting.review = review
    for command in ("start", "next", "next"):
        review = review_actions.do_meeting(review, voting.people.organizer, command)
    assert screen_state(voting, "leader").json()["current"]["name"] == "丙书记"
    assert screen_state(voting, "outsider").json()["current"]["name"] == "丙书记"
    for persona in ("clerk", "liaison"):
        response = screen_state(voting, persona)
        assert response.json()["current"] is None and "丙书记" not in response.content.decode(), persona
    # The screen page embeds the same state.
    page = as_user(voting.people.clerk).get(reverse("meeting_screen", args=[review.pk])).content.decode()
    embedded = json.loads(page.split('id="meeting-state" type="application/json">')[1].split("</script>")[0])
    assert [a["name"] for a in embedded["agenda"]] == ["甲书记"] and embedded["current"] is None


def test_the_turnout_partial_is_the_organizers_overview_only(voting):
    url = reverse("ballots_turnout", args=[voting.review.pk])
    page = as_user(voting.people.organizer).get(url)
    assert page.status_code == 200 and "群众代表" in page.content.decode()
    for persona in ("leader", "liaison", "clerk", "outsider"):
        refused = as_user(getattr(voting.people, persona)).get(url)
        assert refused.status_code == 403 and "群众代表" not in refused.content.decode(), persona
