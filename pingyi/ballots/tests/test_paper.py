import pytest
from django.test import Client
from django.urls import reverse

from pingyi.ballots import actions
from pingyi.ballots.models import Ballot, PaperEntry
from pingyi.ballots.publish import count
from pingyi.testing import make_user

from .conftest import good_ratings


@pytest.fixture
def typists(voting):
    return voting.people.organizer, make_user("typist2", "organizer"), make_user("checker", "organizer")


def form_data(group, number, ratings):
    data = {"group": group.pk, "number": number}
    for a, row in ratings.items():
        for c, level in row.items():
            data[f"r-{a}-{c}"] = level
    return data


def test_two_agreeing_entries_count_the_paper_ballot_once(voting, typists):
    first, second, _ = typists
    group = voting.groups[0]
    url = reverse("paper_entries", args=[voting.review.pk])
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    assert one.post(url, form_data(group, "P-001", good_ratings())).status_code == 302
    assert not Ballot.objects.exists()
    again = one.post(url, form_data(group, "P-001", good_ratings()))
    assert again.status_code == 400 and "另一位工作人员" in again.content.decode()
    assert two.post(url, form_data(group, "P-001", good_ratings())).status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.source, ballot.group, ballot.ratings) == ("paper", group, good_ratings())
    third = two.post(url, form_data(group, "P-001", good_ratings()))
    assert third.status_code == 400 and "已录入两次" in third.content.decode()


def test_a_mismatch_waits_for_a_third_person(voting, typists):
    first, second, checker = typists
    review, group = voting.review, voting.groups[1]
    typo = good_ratings()
    typo["a02"]["safety"] = "差"
    actions.do_enter_paper(review, first, group=group, number="P-002", ratings=good_ratings())
    entry = actions.do_enter_paper(review, second, group=group, number="P-002", ratings=typo)
    assert entry.status == "mismatch" and entry.differences() == [("a02", "safety")]
    assert not Ballot.objects.exists()
    client = Client()
    client.force_login(checker)
    page = client.get(reverse("paper_resolve", args=[entry.pk])).content.decode()
    assert page.count('class="mismatch"') == 3  # marked in both entries and in the form
    with pytest.raises(actions.BallotError, match="两位录入人以外"):
        actions.do_resolve_paper(entry, first, good_ratings())
    client.post(reverse("paper_resolve", args=[entry.pk]), form_data(group, "P-002", good_ratings()))
    assert PaperEntry.objects.get().status == "counted"
    assert Ballot.objects.get().ratings == good_ratings()


def test_an_invalid_paper_ballot_is_entered_and_counted_as_invalid(voting, typists):
    first, second, _ = typists
    uniform = {
        a: dict.fromkeys(["development", "livelihood", "safety", "party"], "较好")
        for a in ["a01", "a02", "a03"]
    }
    for user in (first, second):
        actions.do_enter_paper(voting.review, user, group=voting.groups[0], number="P-003", ratings=uniform)
    _record, result = count(voting.review)
    assert result["ballots"]["total"] == 1 and result["ballots"]["invalid"][0]["reason"] == "同一档次"


def test_typing_errors_and_stage_are_checked(voting, typists):
    first, *_ = typists
    with pytest.raises(actions.BallotError, match="档次「很好」无效"):
        actions.do_enter_paper(voting.review, first, group=voting.groups[0], number="P-004",
                               ratings={"a01": {"development": "很好"}})  # fmt: skip
    from pingyi.reviews import actions as review_actions

    review_actions.do_move_stage(voting.review, voting.people.organizer, "published")
    with pytest.raises(actions.BallotError, match="测评阶段才能录入"):
        actions.do_enter_paper(
            voting.review, first, group=voting.groups[0], number="P-005", ratings=good_ratings()
        )
    assert Client().get(reverse("paper_entries", args=[voting.review.pk])).status_code == 302  # login first
