"""Every URL pattern of the site, for every role: 403 where the role may not, 404 out of scope.

The table below classifies each route by name; a route nobody classified fails the first test,
so a new page cannot ship without saying who may use it. The city (pingyi/testing.py):

    示例市 ─┬─ 东城区 ─┬─ 青山镇   (clerk; liaison's county)   objects "own"
            │          └─ 文昌街道
            └─ 西河县 ─── 柳营乡   (outsider)                 objects "other"

Edits are posted empty: a read-only role must be refused before any form is looked at.
"""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from pingyi.accounts.models import ApiToken, Role
from pingyi.indicators.models import Indicator
from pingyi.org.models import CadrePhoto
from pingyi.reviews import actions
from pingyi.reviews.models import Appraisee
from pingyi.testing import make_cadre, make_city, make_personas, make_review, make_user

pytestmark = pytest.mark.django_db

PUBLIC, READ, ORGANIZER, SCOPED_READ, SCOPED_EDIT, EDIT, OWN = (
    "public", "read", "organizer", "scoped_read", "scoped_edit", "edit", "own",
)  # fmt: skip
# Read by the roles that see the whole city (organizers, city leaders); not found for the others.
CITY_READ = "city_read"

# name -> (kind, the object its URL names)
ROUTES = {
    "login": (PUBLIC, None), "logout": (PUBLIC, None), "vote": (PUBLIC, None), "text_size": (PUBLIC, None),
    "ballot_receipts": (PUBLIC, "number"), "ballot_record": (PUBLIC, "number"),
    "api_docs": (PUBLIC, None),  # the API reference, public like /api/openapi.json
    # Anyone logged in, nothing of a unit in the address (lists are filtered by scope).
    "home": (READ, None), "account": (READ, None), "unit_tree": (READ, None), "cadre_list": (READ, None),
    "cadre_export": (READ, None), "cadre_export_lrmx": (READ, None), "roster_template": (READ, None), "stats": (READ, None),
    "stats_docx": (READ, None), "stats_xlsx": (READ, None), "indicators": (READ, None),
    "indicator_catalogue": (READ, None), "indicator_table": (READ, "indicator"),
    "indicator_entry_list": (READ, None), "indicator_template": (READ, None),
    "indicator_export": (READ, None), "review_list": (READ, None), "report_template": (READ, None),
    "my_appraisals": (READ, None), "rectification": (READ, None),
    "password_change": (READ, None),
    # A round is city-wide; what is inside is filtered (see test_fragment_scope, test_scope).
    "review_detail": (READ, "review"), "meeting_screen": (READ, "review"), "meeting_state": (READ, "review"),
    "ballot_results": (READ, "review"), "ballot_results_xlsx": (READ, "review"),
    "ballot_results_docx": (READ, "review"),
    "stats_speech": (CITY_READ, "review"), "stats_speech_docx": (CITY_READ, "review"),
    "review_reminders": (READ, "review"), "round_problems": (READ, "review"),
    # Organizers only.
    "audit": (ORGANIZER, None), "review_create": (ORGANIZER, None), "review_edit": (ORGANIZER, "review"),
    "review_stage": (ORGANIZER, "review"), "review_dupcheck_xlsx": (ORGANIZER, "review"),
    "appraisee_add": (ORGANIZER, "review"), "add_speakers": (ORGANIZER, "review"),
    "reports_accept": (ORGANIZER, "review"), "meeting_control": (ORGANIZER, "review"),
    "meeting_command": (ORGANIZER, "command"), "ballots_overview": (ORGANIZER, "review"),
    "ballots_form": (ORGANIZER, "review"), "ballots_groups": (ORGANIZER, "review"),
    "ballots_turnout": (ORGANIZER, "review"), "ballots_copy": (ORGANIZER, "review"),
    "paper_entries": (ORGANIZER, "review"),
    "paper_resolve": (ORGANIZER, "missing"), "tokens_issue": (ORGANIZER, "missing"),
    "tokens_void": (ORGANIZER, "missing"), "group_combine": (ORGANIZER, "missing"),
    "appraisee_change": (ORGANIZER, "appraisee"), "appraisee_settings": (ORGANIZER, "appraisee"),
    "remark_add": (ORGANIZER, "appraisee"), "report_decide": (ORGANIZER, "report"),
    "report_recheck": (ORGANIZER, "report"), "problem_signoff": (ORGANIZER, "problem"),
    "dupcheck": (ORGANIZER, None), "dupcheck_refresh": (ORGANIZER, None),
    "dupcheck_result": (ORGANIZER, "missing"), "dupcheck_result_docx": (ORGANIZER, "missing"),
    "dupcheck_passage": (ORGANIZER, "passage"), "dupcheck_corpus": (ORGANIZER, None),
    "dupcheck_document": (ORGANIZER, "missing"), "dupcheck_corpus_remove": (ORGANIZER, "missing"),
    "indicator_review_list": (ORGANIZER, None), "indicator_review": (ORGANIZER, "unit_year"),
    "user_list": (ORGANIZER, None), "user_create": (ORGANIZER, None), "user_edit": (ORGANIZER, "user"),
    "user_reset": (ORGANIZER, "user"), "user_disable": (ORGANIZER, "user"),
    "users_bulk": (ORGANIZER, None), "users_import": (ORGANIZER, None), "users_template": (ORGANIZER, None),
    "user_issued": (ORGANIZER, None), "user_issued_pdf": (ORGANIZER, None), "user_issued_xlsx": (ORGANIZER, None),
    "extension_decide": (ORGANIZER, "extension"),
    # Objects of a unit: 404 outside the user's scope, like missing.
    "unit_detail": (SCOPED_READ, "unit"), "cadre_detail": (SCOPED_READ, "cadre"),
    "cadre_lrmx": (SCOPED_READ, "cadre"), "cadre_photo": (SCOPED_READ, "cadre"),
    "indicator_profile": (SCOPED_READ, "unit"), "indicator_profile_screen": (SCOPED_READ, "unit"),
    "indicator_profile_screen_preview": (SCOPED_READ, "unit"),
    "appraisee_detail": (SCOPED_READ, "appraisee"), "appraisee_photo": (SCOPED_READ, "appraisee"),
    "feedback_sheet": (SCOPED_READ, "appraisee"), "report_view": (SCOPED_READ, "report"),
    "problem_detail": (SCOPED_READ, "problem"), "evidence_download": (SCOPED_READ, "evidence"),
    # Edits of a unit's objects: 404 out of scope, 403 for a read-only role.
    "unit_edit": (SCOPED_EDIT, "unit"), "cadre_edit": (SCOPED_EDIT, "cadre"),
    "indicator_entry": (SCOPED_EDIT, "unit_year"), "report_submit": (SCOPED_EDIT, "appraisee"),
    "problem_add": (SCOPED_EDIT, "appraisee"), "problem_measure": (SCOPED_EDIT, "problem"),
    "problem_progress": (SCOPED_EDIT, "problem"), "extension_request": (SCOPED_EDIT, "problem"),
    # Edits with nothing of a unit in the address.
    "roster_upload": (EDIT, None), "indicator_import": (EDIT, None),
    "roster_confirm": (EDIT, "missing"), "roster_remap": (EDIT, "missing"),
    "indicator_import_confirm": (EDIT, "missing"),
    # The user's own things (an upload is private to its uploader: anyone else's is missing).
    "roster_preview": (OWN, "missing"), "indicator_import_preview": (OWN, "missing"),
    "token_create": (OWN, None), "token_revoke": (OWN, "token"),
}  # fmt: skip
# Routes whose object does not exist yet in the walk's round (报告提交): in scope they answer 404 too, a
# page saying why. The feedback sheet exists from 结果公布 (reviews/tests/test_state_aware.py, per stage).
NOT_YET = {"feedback_sheet"}

ROLES = ["organizer", "leader", "liaison", "clerk", "outsider"]
# Which side of the city each role sees: "own" is 青山镇's, "other" 柳营乡's.
SEES = {
    "organizer": {"own", "other"},
    "leader": {"own", "other"},
    "liaison": {"own"},
    "clerk": {"own"},
    "outsider": {"other"},
}


def site_routes():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern) != "api/":  # the API: pingyi/*/tests/test_api*.py
                    yield from walk(p.url_patterns)
            else:
                yield p.name

    return set(walk(get_resolver().url_patterns))


@pytest.fixture
def site():
    city = make_city()
    people = make_personas(city)
    own_cadre, other_cadre = make_cadre(city.qingshan, "青山书记"), make_cadre(city.liuying, "柳营书记")
    review = make_review(people.organizer, stage="reporting", appraisees=[own_cadre, other_cadre])
    sides = {}
    for side, cadre, clerk in [("own", own_cadre, people.clerk), ("other", other_cadre, people.outsider)]:
        appraisee = review.appraisees.get(cadre=cadre)
        Appraisee.objects.filter(pk=appraisee.pk).update(photo=b"\x89PNG", photo_type="image/png")
        CadrePhoto.objects.create(cadre=cadre, content=b"\xff\xd8\xff", sha256="0" * 64)
        report = actions.do_submit_report(appraisee, clerk, text=f"{cadre.name}的述职报告")
        problem = actions.do_add_problem(
            appraisee, clerk, area="development", source="self", description="短板"
        )
        note = actions.do_add_progress(problem, clerk, text="进展", status="in_progress",
                                       files=[("a.txt", "text/plain", b"x")])  # fmt: skip
        sides[side] = SimpleNamespace(
            unit=cadre.unit, cadre=cadre, appraisee=appraisee, report=report, problem=problem,
            evidence=note.evidence.get(), user=clerk,
        )  # fmt: skip
    token = ApiToken.objects.create(user=people.liaison, name="x", key_hash="h" * 64, hint="pyt_x")
    # The account routes act on this one: the organizer's posts reset and disable it.
    spare = make_user("spare", Role.TOWNSHIP_CLERK, city.wenchang)
    return SimpleNamespace(people=people, review=review, sides=sides, token=token, spare=spare)


def url_for(site, name, obj, side="own"):
    s = site.sides[side]
    year = dt.date.today().year - 1
    args = {
        None: [],
        "number": [site.review.number],
        "review": [site.review.pk],
        "command": [site.review.pk, "start"],
        "missing": [987654],
        "passage": [987654, 1],
        "indicator": [Indicator.objects.active().first().key],
        "unit": [s.unit.pk],
        "unit_year": [s.unit.pk, year],
        "cadre": [s.cadre.pk],
        "appraisee": [s.appraisee.pk],
        "report": [s.report.pk],
        "problem": [s.problem.pk],
        "evidence": [s.evidence.pk],
        "user": [site.spare.pk],
        "token": [site.token.pk],
        "extension": [987654],
    }[obj]
    return reverse(name, args=args)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_route_of_the_site_is_classified():
    assert site_routes() - set(ROUTES) == set(), "classify the new route in ROUTES"


def test_every_route_answers_every_role_as_its_class_says(site):
    present = site_routes()
    failures = []

    def expect(condition, role, method, url, status):
        if not condition:
            failures.append(f"{role} {method} {url} -> {status}")

    for role in ROLES:
        client = client_for(getattr(site.people, role))
        for name, (kind, obj) in ROUTES.items():
            if name not in present or kind == PUBLIC:
                continue
            sides = ["own", "other"] if kind in (SCOPED_READ, SCOPED_EDIT) else ["own"]
            for side in sides:
                url = url_for(site, name, obj, side)
                visible = side in SEES[role] or kind not in (SCOPED_READ, SCOPED_EDIT)
                get = client.get(url).status_code
                post = client.post(url, {}).status_code
                expect(get < 500 and post < 500, role, "GET/POST", url, (get, post))
                if kind == READ:
                    allowed = {200, 404} if name.startswith("ballot_results_") else {200}
                    expect(get in allowed, role, "GET", url, get)
                    # A page that also takes a POST (a bulk action, one's own password) never lets the
                    # read-only role change anything: refused 403, or a form error, never a 409 or a redirect.
                    if role == "leader":
                        expect(post in {200, 400, 403, 404, 405}, role, "POST", url, post)
                elif kind == CITY_READ:
                    city_wide = role in ("organizer", "leader")
                    expect(get == 200 if city_wide else get == 404, role, "GET", url, get)
                    expect(post in {200, 400, 403, 404, 405}, role, "POST", url, post)
                elif kind == ORGANIZER and role != "organizer":
                    expect(get in {403, 404, 405}, role, "GET", url, get)
                    expect(post == 403 if role == "leader" else post in {403, 404}, role, "POST", url, post)
                elif kind == ORGANIZER:
                    expect(get != 403 and post != 403, role, "GET/POST", url, (get, post))
                elif not visible:
                    expect(get in {404, 405} and post in {404, 405}, role, "GET/POST", url, (get, post))
                elif kind == SCOPED_READ:
                    expect(get == (404 if name in NOT_YET else 200), role, "GET", url, get)
                elif kind in (SCOPED_EDIT, EDIT) and role == "leader":
                    expect(post == 403, role, "POST", url, post)
                elif kind in (SCOPED_EDIT, EDIT) and obj != "missing":
                    expect(
                        get not in {403, 404} and post not in {403, 404}, role, "GET/POST", url, (get, post)
                    )
                elif kind == OWN and obj == "token":
                    expect(post == (302 if role == "liaison" else 404), role, "POST", url, post)
                elif kind == OWN and obj == "missing":
                    expect(get == 404, role, "GET", url, get)
    assert failures == []


VALID_BODIES = {
    "/api/v1/users": {"username": "api-user", "role": "city_leader"},
    "/api/v1/dupcheck/checks": {"title": "测试", "text": "一段文字"},
}


def test_every_write_operation_of_the_api_is_refused_to_every_role_but_the_organizer(site):
    """The API's writes are all the organizer's (查重 of a text, accounts): 403, in Chinese, for the rest."""
    schema = Client().get("/api/openapi.json").json()
    writes = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    ]
    assert ("post", "/api/v1/users/bulk") in writes and ("post", "/api/v1/dupcheck/checks") in writes
    for role in ROLES[1:]:
        client = client_for(getattr(site.people, role))
        for method, path in writes:
            url = re.sub(r"\{[^}]+\}", str(site.spare.pk), path)
            body = VALID_BODIES.get(path, {})  # valid, so that only the role can refuse it
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code == 403, (role, method, url, response.status_code)
            assert "仅组织部管理员" in response.json()["detail"], (role, url)
    site.spare.refresh_from_db()
    assert site.spare.is_active and not site.spare.must_change_password
