"""The indicators' 待办: sign-offs for the organizer, returned and missing values for the township."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pingyi.indicators import actions
from pingyi.indicators.models import Indicator
from pingyi.lib.todo import for_user
from pingyi.testing import make_city, make_personas

from .helpers import indicator

pytestmark = pytest.mark.django_db


def keys(user):
    return {t.key: t for t in for_user(user, timezone.localdate())}


def test_entries_await_the_organizer_then_a_return_comes_back_to_the_clerk():
    city = make_city()
    people = make_personas(city)
    year = dt.date.today().year - 1  # no signed-off value yet: the year the clerk is asked for
    actions.do_enter_values(city.qingshan, year, {indicator("gdp"): Decimal("12.5")}, people.clerk)
    assert keys(people.organizer)["indicators-signoff"].text == "1 个乡镇（街道）年度的发展指标待审核（1 项）"
    total = Indicator.objects.active().stored().count()
    missing = keys(people.clerk)["indicators-missing"]
    assert missing.text == f"青山镇{year}年度发展指标还有 {total - 1} 项未填报"
    assert missing.link == reverse("indicator_entry", args=[city.qingshan.pk, year])
    actions.do_return(city.qingshan, year, people.organizer, "GDP 口径有误")
    returned = keys(people.clerk)["indicators-returned"]
    assert returned.text == f"青山镇{year}年度发展指标被退回 1 项，请修改后重新提交" and returned.urgent
    assert "indicators-signoff" not in keys(people.organizer)
    liaison = keys(people.liaison)["indicators-missing"]
    assert liaison.text == f"2 个乡镇（街道）{year}年度发展指标未填全：文昌街道、青山镇"  # in 区划代码 order
