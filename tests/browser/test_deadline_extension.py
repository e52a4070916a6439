import datetime as dt

import pytest
from django.utils import timezone

from pingyi.reviews import actions
from pingyi.reviews.models import Problem
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_asks_for_more_time_and_the_organizer_grants_it(page):
    city = make_city()
    people = make_personas(city)
    review = make_review(
        people.organizer, stage="published", appraisees=[make_cadre(city.qingshan, "青山书记")]
    )
    due = timezone.localdate() - dt.timedelta(days=1)
    problem = actions.do_add_problem(review.appraisees.get(), people.organizer, area="livelihood", source="remark",
                                     description="养老服务设施不足", measure="新建日间照料中心", deadline=due)  # fmt: skip
    wanted = timezone.localdate() + dt.timedelta(days=45)

    login(page, "clerk")
    page.goto(page.base_url + f"/problems/{problem.pk}/")
    assert page.inner_text("#problem-status") == "逾期"
    assert page.get_attribute("#id_deadline", "readonly") is not None
    page.fill("#extension-form #id_deadline", wanted.isoformat())
    page.fill("#extension-form #id_reason", "选址调整，土地手续尚在办理")
    page.click("#extension-form button")
    page.wait_for_selector("text=延期申请已提交")
    assert page.inner_text("#problem-status") == "逾期"  # until the organizer decides
    shot(page, "extension-01-requested")
    page.click("text=退出")

    login(page, "organizer")
    assert "1 份延期申请待审批" in page.inner_text("body")
    page.goto(page.base_url + "/rectification/")
    page.click("#extensions a")
    page.click("#extensions button[name=grant]")
    page.wait_for_selector("text=已同意延期")
    assert page.inner_text("#problem-status") == "未开始"
    shot(page, "extension-02-granted")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "extension-03-granted-360")
    assert Problem.objects.get(pk=problem.pk).deadline == wanted
