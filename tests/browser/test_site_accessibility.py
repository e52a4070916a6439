"""Every page of every role, in every stage of a round, checked with axe (WCAG 2.0/2.1 A and AA).

The pages are the site's own URL table (pingyi/accounts/tests/test_every_route.py), so a new route is
walked here as soon as it is classified there. Each page is opened in the browser and checked by the
harness of tests/browser/axe.py; the test then fails listing rule, element and address. A page is
asked first with Django's test client so that downloads, JSON and the pages a role may not open are
left out (the refusal pages are walked once each, as the role meets them).
"""

import pytest
from django.test import Client
from django.urls import reverse

from pingyi.accounts.tests.test_every_route import (
    CITY_READ,
    ORGANIZER,
    ROUTES,
    SCOPED_EDIT,
    SCOPED_READ,
    SEES,
    site,  # noqa: F401 - the fixture: a city with a round, reports, problems and evidence on both sides
    site_routes,
    url_for,
)
from pingyi.ballots import actions as ballot_actions
from pingyi.reviews import actions
from pingyi.reviews.models import Review

from .axe import assert_accessible
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Routes whose page depends on the round's stage: walked again in every stage.
ROUND_OBJECTS = {"review", "appraisee", "report", "problem", "evidence", "number"}
ROLES = ["organizer", "leader", "liaison", "clerk", "outsider"]


def pages_for(world, role, *, round_only):
    """The addresses a role can open as an HTML page: (url, status)."""
    client = Client()
    client.force_login(getattr(world.people, role))
    present = site_routes()
    found = []
    for name, (kind, obj) in sorted(ROUTES.items()):
        if name not in present or obj == "missing" or (round_only and obj not in ROUND_OBJECTS):
            continue
        if kind == CITY_READ and role not in ("organizer", "leader"):
            continue
        if kind == ORGANIZER and role != "organizer":
            continue
        sides = ["own", "other"] if kind in (SCOPED_READ, SCOPED_EDIT) else ["own"]
        for side in sides:
            if side not in SEES[role] and kind in (SCOPED_READ, SCOPED_EDIT):
                continue
            try:
                url = url_for(world, name, obj, side)
            except Exception:  # a route whose object this walk has not made
                continue
            response = client.get(url)
            html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
            # A fragment (htmx swaps it into its page, checked there) is not a page of its own.
            if html and b"<html" in response.content[:300]:
                found.append(url)
    return found


def walk(page, world, *, round_only):
    visited = 0
    for role in ROLES:
        page.context.clear_cookies()
        login(page, role)
        for url in pages_for(world, role, round_only=round_only):
            page.goto(page.base_url + url)  # the harness checks it before goto returns
            visited += 1
    return visited


def test_every_page_of_every_role_in_every_stage_of_a_round(page, site):  # noqa: F811
    page.expected_statuses = {403, 404}
    review = site.review
    # 筹备: a second round, not yet open for reports.
    preparing = actions.do_create_review(
        site.people.organizer, title="第二期述职评议", meeting_date=review.meeting_date
    )
    login(page, "organizer")
    for name in ("review_detail", "review_edit", "meeting_screen", "meeting_control"):
        page.goto(page.base_url + reverse(name, args=[preparing.pk]))

    # 报告提交: every page of the site, as every role.
    visited = walk(page, site, round_only=False)

    # The refusal pages a role meets.
    login(page, "clerk")
    page.goto(page.base_url + reverse("user_list"))
    page.goto(page.base_url + reverse("review_detail", args=[987654]))
    assert_accessible(page)

    organizer = site.people.organizer
    for stage in ["meeting", "appraisal", "published", "archived"]:
        if stage == "appraisal":
            [group] = ballot_actions.do_save_groups(
                review, organizer, [{"key": "public", "label": "群众代表", "weight": 100, "head_count": 3}]
            )
            codes = ballot_actions.do_issue_tokens(group, organizer, 3)
        review = actions.do_move_stage(review, organizer, stage)
        site.review = Review.objects.get(pk=review.pk)
        visited += walk(page, site, round_only=True)
        if stage == "appraisal":
            # The phone ballot as an evaluator opens it (its own tests walk it to the receipt).
            page.context.clear_cookies()
            page.goto(f"{page.base_url}/v/")
            page.goto("about:blank")  # the code in the fragment is read on a fresh load
            page.goto(f"{page.base_url}/v/#{codes[0]}")
            page.wait_for_selector("#ballot")
            assert_accessible(page)
    assert visited > 150  # every role's pages, five times over for the round's
