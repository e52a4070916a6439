"""The first invariant of docs/architecture.md: no ballot can be linked to the token (and so the person)
that cast it."""

import logging
import uuid

from django.db import connection, models
from django.test import Client

from pingyi.audit.models import AuditEvent
from pingyi.ballots.models import Ballot, BallotToken
from pingyi.ballots.slips import ballot_url

from .conftest import good_ratings, submit


def test_no_relation_links_ballots_and_tokens():
    ballot_targets = {f.related_model for f in Ballot._meta.get_fields() if f.is_relation}
    token_targets = {f.related_model for f in BallotToken._meta.get_fields() if f.is_relation}
    assert BallotToken not in ballot_targets and Ballot not in token_targets


def test_neither_ballots_nor_token_use_carry_a_time():
    for model in (Ballot, BallotToken):
        timed = [
            f.name for f in model._meta.get_fields() if isinstance(f, models.DateField | models.DateTimeField)
        ]
        assert timed == [], model


def test_ballot_ids_are_random_and_do_not_follow_the_order_of_voting(voting):
    receipts = [
        submit(code, good_ratings()).receipt for code in voting.codes["leaders"] + voting.codes["public"]
    ]
    ballots = {b.receipt: b.id for b in Ballot.objects.all()}
    ids = [ballots[r] for r in receipts]
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    assert sorted(ids) != ids  # 1 chance in 10! of a false alarm
    assert [b.receipt for b in Ballot.objects.all()] == sorted(receipts)  # listed by receipt, not by time


def test_plain_codes_are_nowhere_in_the_database(voting):
    submit(voting.codes["leaders"][0], good_ratings())
    everything = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            everything += [str(v) for row in cursor.fetchall() for v in row]
    text = "\n".join(everything)
    for code in voting.codes["leaders"] + voting.codes["public"]:
        assert code not in text and code.replace("-", "") not in text


def test_the_code_never_travels_in_a_url_and_is_not_logged(voting, caplog):
    code = voting.codes["public"][0]
    url = ballot_url("https://pingyi.example", code)
    assert url == f"https://pingyi.example/v/#{code}"  # the fragment never reaches a server
    client = Client()
    with caplog.at_level(logging.DEBUG):
        client.post("/v/", {"code": code, "step": "open"})
        client.post(
            "/v/", {"code": code, "step": "review", "r-a01-development": "好"}
        )  # refused: 400, logged
        client.post("/v/", {"code": "WRONG-CODE", "step": "open"})
    assert caplog.records  # the 400s were logged …
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert code not in logged and code.replace("-", "") not in logged  # … without the code


def test_voting_writes_nothing_to_the_audit_log(voting):
    before = AuditEvent.objects.count()
    submit(voting.codes["leaders"][0], good_ratings())
    assert AuditEvent.objects.count() == before
