"""Entry by the township, sign-off or return by the organizer, every change kept."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pingyi.audit.models import AuditEvent
from pingyi.indicators.analysis import Dataset
from pingyi.indicators.models import IndicatorValue, Status, ValueChange
from pingyi.indicators.profile import township_profile
from pingyi.testing import make_city, make_personas

from .helpers import approve, client_for, indicator

pytestmark = pytest.mark.django_db
Y = 2025


@pytest.fixture
def people():
    city = make_city()
    people = make_personas(city)
    people.city = city
    return people


def entry_url(unit, year=Y):
    return reverse("indicator_entry", args=[unit.pk, year])


def value(unit, key, year=Y) -> IndicatorValue:
    return IndicatorValue.objects.get(unit=unit, indicator=indicator(key), year=year)


def gdp_in_analysis(unit):
    return township_profile(Dataset([Y]), unit, Y).line("gdp").value


def test_a_clerk_enters_values_the_organizer_signs_them_off(people):
    qingshan = people.city.qingshan
    clerk = client_for(people.clerk)
    page = clerk.get(entry_url(qingshan))
    assert page.status_code == 200 and "提交审核" in page.content.decode()
    response = clerk.post(entry_url(qingshan), {"v_gdp": "123,456.5", "v_population": "40000"})
    assert response.status_code == 302
    gdp = value(qingshan, "gdp")
    assert (
        gdp.value == Decimal("123456.5") and gdp.status == Status.PENDING and gdp.entered_by == people.clerk
    )
    assert gdp_in_analysis(qingshan) is None  # not yet signed off

    organizer = client_for(people.organizer)
    assert "全部审核通过" in organizer.get(entry_url(qingshan)).content.decode()
    organizer.post(reverse("indicator_review", args=[qingshan.pk, Y]), {"approve": "1"})
    gdp.refresh_from_db()
    assert gdp.status == Status.APPROVED and gdp.approved_value == Decimal("123456.5")
    assert gdp.reviewed_by == people.organizer
    assert gdp_in_analysis(qingshan) == Decimal("123457")  # shown to the unit, rounded half up
    assert AuditEvent.objects.filter(action="indicator_approve", actor=people.organizer).exists()
    assert AuditEvent.objects.filter(action="indicator_entry", actor=people.clerk).exists()


def test_a_correction_waits_while_the_signed_off_value_still_counts(people):
    qingshan = people.city.qingshan
    approve(qingshan, Y, gdp=100_000)
    client_for(people.clerk).post(entry_url(qingshan), {"v_gdp": "110000"})
    gdp = value(qingshan, "gdp")
    assert (gdp.value, gdp.approved_value, gdp.status) == (Decimal(110_000), Decimal(100_000), Status.PENDING)
    assert gdp_in_analysis(qingshan) == Decimal(100_000)
    html = client_for(people.organizer).get(entry_url(qingshan)).content.decode()
    assert "待审核 1 项" in html


def test_the_organizer_returns_values_with_a_reason_and_the_clerk_resubmits(people):
    qingshan = people.city.qingshan
    clerk, organizer = client_for(people.clerk), client_for(people.organizer)
    clerk.post(entry_url(qingshan), {"v_gdp": "99", "v_beds": "10"})
    review = reverse("indicator_review", args=[qingshan.pk, Y])
    organizer.post(review, {"return": "1", "reason": ""})  # a return needs a reason
    assert value(qingshan, "gdp").status == Status.PENDING
    organizer.post(review, {"return": "1", "reason": "地区生产总值单位应为万元"})
    gdp = value(qingshan, "gdp")
    assert gdp.status == Status.RETURNED and gdp.return_reason == "地区生产总值单位应为万元"
    assert "退回：地区生产总值单位应为万元" in clerk.get(entry_url(qingshan)).content.decode()
    assert (
        reverse("indicator_entry", args=[qingshan.pk, Y])
        in organizer.get(reverse("indicator_review_list")).content.decode()
    )

    clerk.post(entry_url(qingshan), {"v_gdp": "990000", "v_beds": "10"})
    gdp, beds = value(qingshan, "gdp"), value(qingshan, "beds")
    assert gdp.status == beds.status == Status.PENDING  # the unchanged one is sent back as well
    assert gdp.return_reason == ""
    actions = list(gdp.changes.order_by("at", "id").values_list("action", "old_value", "new_value", "status"))
    assert actions == [
        ("entered", None, Decimal(99), "pending"),
        ("returned", None, Decimal(99), "returned"),
        ("entered", Decimal(99), Decimal(990_000), "pending"),
    ]
    history = clerk.get(entry_url(qingshan)).content.decode()
    assert history.count("<td>退回</td>") == 2 and "990000" in history


def test_the_organizers_own_entry_counts_at_once(people):
    qingshan = people.city.qingshan
    client_for(people.organizer).post(entry_url(qingshan), {"v_gdp": "5000"})
    gdp = value(qingshan, "gdp")
    assert gdp.status == Status.APPROVED and gdp.approved_value == 5000
    assert gdp_in_analysis(qingshan) == 5000


def test_clearing_a_field_removes_the_value_after_sign_off(people):
    qingshan = people.city.qingshan
    approve(qingshan, Y, gdp=100_000)
    client_for(people.clerk).post(entry_url(qingshan), {"v_gdp": ""})
    gdp = value(qingshan, "gdp")
    assert gdp.value is None and gdp.approved_value == 100_000
    client_for(people.organizer).post(reverse("indicator_review", args=[qingshan.pk, Y]), {"approve": "1"})
    assert gdp_in_analysis(qingshan) is None


def test_bad_numbers_are_refused_and_nothing_is_saved(people):
    qingshan = people.city.qingshan
    response = client_for(people.clerk).post(
        entry_url(qingshan), {"v_gdp": "一百", "v_beds": "-1", "v_teachers": "5"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "「一百」不是数值" in html and "「-1」不能为负数" in html
    assert not IndicatorValue.objects.exists() and not ValueChange.objects.exists()


def test_nothing_changed_writes_nothing(people):
    qingshan = people.city.qingshan
    approve(qingshan, Y, gdp=100_000)
    before = ValueChange.objects.count()
    client_for(people.organizer).post(entry_url(qingshan), {"v_gdp": "100000.00"})
    assert ValueChange.objects.count() == before


def test_a_city_leader_reads_but_cannot_enter_or_sign_off(people):
    qingshan = people.city.qingshan
    leader = client_for(people.leader)
    page = leader.get(entry_url(qingshan))
    assert page.status_code == 200 and 'name="v_gdp"' not in page.content.decode()
    assert leader.post(entry_url(qingshan), {"v_gdp": "1"}).status_code == 403
    assert (
        leader.post(reverse("indicator_review", args=[qingshan.pk, Y]), {"approve": "1"}).status_code == 403
    )
    assert not IndicatorValue.objects.exists()


def test_only_the_organizer_signs_off(people):
    qingshan = people.city.qingshan
    client_for(people.clerk).post(entry_url(qingshan), {"v_gdp": "1"})
    for persona in (people.clerk, people.liaison):
        response = client_for(persona).post(
            reverse("indicator_review", args=[qingshan.pk, Y]), {"approve": "1"}
        )
        assert response.status_code == 403
    assert client_for(people.clerk).get(reverse("indicator_review_list")).status_code == 403
    assert value(qingshan, "gdp").status == Status.PENDING


def test_a_liaison_enters_for_a_township_of_the_county(people):
    response = client_for(people.liaison).post(entry_url(people.city.wenchang), {"v_gdp": "7"})
    assert response.status_code == 302
    assert value(people.city.wenchang, "gdp").status == Status.PENDING


def test_a_county_has_no_entry_form(people):
    assert client_for(people.organizer).get(entry_url(people.city.east)).status_code == 404
