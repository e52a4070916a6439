import threading

import pytest
from django.db import connection
from django.test import Client

from pingyi.ballots import actions, codes
from pingyi.ballots.models import Ballot, BallotToken
from pingyi.reviews import actions as review_actions

from .conftest import good_ratings, submit


def test_one_token_one_ballot_and_a_retry_is_already_recorded(voting):
    code = voting.codes["leaders"][0]
    receipt = codes.new_receipt()
    signature = codes.receipt_signature(code, receipt)
    first = actions.do_submit_ballot(code, good_ratings(), receipt, signature)
    again = actions.do_submit_ballot(code, good_ratings(), receipt, signature)
    assert (first.already, again.already, again.receipt) == (False, True, receipt)
    with pytest.raises(actions.BallotError, match="每张凭证只能投一次"):
        submit(code, good_ratings(first="一般", rest="较好"))
    assert Ballot.objects.count() == 1


def test_a_forged_receipt_is_refused(voting):
    code = voting.codes["leaders"][0]
    with pytest.raises(actions.BallotError, match="提交内容不完整"):
        actions.do_submit_ballot(code, good_ratings(), "AAAA-AAAA", "0" * 32)
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("stage", ["published"])
def test_a_closed_review_accepts_none(voting, stage):
    review_actions.do_move_stage(voting.review, voting.people.organizer, stage)
    with pytest.raises(actions.BallotError, match="测评未开始或已结束"):
        submit(voting.codes["leaders"][0], good_ratings())
    assert not Ballot.objects.exists()


def test_a_void_token_is_refused(voting):
    group = voting.groups[0]
    assert actions.do_void_tokens(group, voting.people.organizer) == 5
    with pytest.raises(actions.BallotError, match="已作废"):
        submit(voting.codes["leaders"][0], good_ratings())


def test_ballots_are_immutable(voting):
    submit(voting.codes["leaders"][0], good_ratings())
    ballot = Ballot.objects.get()
    ballot.ratings = {}
    with pytest.raises(TypeError):
        ballot.save()
    with pytest.raises(TypeError):
        ballot.delete()
    with pytest.raises(TypeError):
        Ballot.objects.update(ratings={})
    with pytest.raises(TypeError):
        Ballot.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_submissions_count_once(voting_tx):
    code, ratings = voting_tx.codes["public"][0], good_ratings()
    receipt = codes.new_receipt()
    signature = codes.receipt_signature(code, receipt)
    results, errors, start = [], [], threading.Barrier(8)

    def client():
        try:
            start.wait()
            results.append(actions.do_submit_ballot(code, ratings, receipt, signature))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(r.already for r in results) == [False] + [True] * 7
    assert {r.receipt for r in results} == {receipt}
    assert Ballot.objects.count() == 1
    assert BallotToken.objects.filter(status="used").count() == 1


def test_a_submitted_ballot_reads_back_exactly_as_cast(voting):
    # The submission writes its rows in SQL (submission.py); the ORM must read the same ballot back.
    code = voting.codes["leaders"][1]
    ratings = good_ratings(first="较好", rest="一般")
    receipt = submit(code, ratings).receipt
    ballot = Ballot.objects.get()
    assert (ballot.receipt, ballot.ratings, ballot.source) == (receipt, ratings, "phone")
    assert (ballot.review, ballot.group) == (voting.review, voting.groups[0])
    assert ballot.id.version == 4
    assert BallotToken.objects.filter(status="used").count() == 1


def test_a_ballot_racing_the_close_of_voting_is_refused_and_its_token_kept(voting):
    # The phone looked the code up while voting was open; the organizer closed it before the ballot arrived.
    code = voting.codes["leaders"][2]
    target = actions.submission_target(code)
    review_actions.do_move_stage(voting.review, voting.people.organizer, "published")
    receipt = codes.new_receipt()
    with pytest.raises(actions.BallotError, match="测评未开始或已结束"):
        actions.do_submit_ballot(
            code, good_ratings(), receipt, codes.receipt_signature(code, receipt), target=target
        )
    assert not Ballot.objects.exists()
    assert not BallotToken.objects.filter(status="used").exists()


def test_the_phone_refuses_a_ballot_of_only_bu_liao_jie_in_words_the_evaluator_understands(voting):
    code = voting.codes["public"][0]
    fields = {f"r-{a}-{c}": "不了解" for a in ("a01", "a02", "a03") for c in good_ratings()["a01"]}
    response = Client().post("/v/", {"code": code, "step": "review", **fields})
    assert response.status_code == 400
    assert "全部为“不了解”的选票是空白票，不计分" in response.content.decode()
    assert not Ballot.objects.exists()
