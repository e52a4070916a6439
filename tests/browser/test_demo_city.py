import pytest
from django.core.management import call_command

from pingyi.org.models import Cadre, Unit

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_city_has_something_real_on_every_page(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    login(page, "zzb", "pingyi-demo")
    page.wait_for_selector("#age-chart canvas")
    assert page.inner_text(".stats .stat:nth-child(2) b") == "160"
    shot(page, "demo-01-home")

    page.click("nav >> text=单位")
    assert page.locator(".tree tbody tr").count() == Unit.objects.count()
    shot(page, "demo-02-units")

    page.goto(page.base_url + "/cadres/?chiefs=on&age=le35")
    rows = page.locator("#cadre-table tbody tr")
    assert 1 <= rows.count() <= 20
    shot(page, "demo-03-young-chiefs")

    flagged = Cadre.objects.filter(resume_entries__status="unparsed").first()
    page.goto(page.base_url + f"/cadres/{flagged.pk}/")
    assert page.locator(".resume-line.unparsed").count() >= 1
    shot(page, "demo-04-cadre-with-flagged-resume")

    county_leader = Cadre.objects.filter(unit__kind__in=["区", "县", "县级市"]).first()
    page.goto(page.base_url + f"/cadres/{county_leader.pk}/")
    shot(page, "demo-05-county-leader")


def test_a_county_liaison_sees_only_the_county(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    login(page, "liaison", "pingyi-demo")
    liaison_county = Unit.objects.get(users__username="liaison")
    page.goto(page.base_url + "/units/")
    names = page.locator(".tree tbody tr td:first-child").all_inner_texts()
    assert names[0] == liaison_county.name
    assert len(names) == Unit.objects.within(liaison_county).count()
    shot(page, "demo-06-liaison-units")
