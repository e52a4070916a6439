"""The demo values: three years, idempotent, and the speech's claims hold for the demo city."""

import io
from statistics import mean

import pytest

from pingyi.accounts.models import User
from pingyi.indicators import demo
from pingyi.indicators.analysis import Dataset
from pingyi.indicators.models import IndicatorValue, Status, ValueChange
from pingyi.indicators.profile import speech, township_profile
from pingyi.lib.demo_clock import indicator_years
from pingyi.org.actions import do_import_roster
from pingyi.org.management.commands.load_demo import demo_users, demo_workbook

pytestmark = pytest.mark.django_db
YEARS = list(indicator_years())  # the demo's years move with the day it is loaded


@pytest.fixture
def loaded():
    do_import_roster(demo_workbook(), None)
    for username, _name, role, unit in demo_users():
        User.objects.create_user(username=username, password="x", role=role, unit=unit)
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


def snapshot():
    return sorted(
        IndicatorValue.objects.values_list(
            "unit_id", "indicator_id", "year", "value", "approved_value", "status"
        )
    )


def test_loading_twice_changes_nothing(loaded):
    assert "写入 0 项" not in loaded
    before, history = snapshot(), ValueChange.objects.count()
    out = io.StringIO()
    demo.load(out)
    assert "写入 0 项" in out.getvalue()
    assert snapshot() == before and ValueChange.objects.count() == history


def test_three_years_with_a_few_gaps_and_two_corrections_waiting(loaded):
    assert set(IndicatorValue.objects.values_list("year", flat=True)) == set(YEARS)
    data = Dataset(YEARS)
    missing_population = [
        (t.name, y) for t in data.townships for y in data.years
        if data.value(data.by_key["population"], t.pk, y) is None
    ]  # fmt: skip
    assert len(missing_population) == 1
    name, year = missing_population[0]
    township = next(t for t in data.townships if t.name == name)
    assert township_profile(data, township, year).line("beds_per_10k").value_text == "—"
    pending = IndicatorValue.objects.filter(status=Status.PENDING)
    assert pending.count() == 2 and {v.unit.users.get().username for v in pending} == {"clerk"}


def test_the_speech_holds_for_the_demo_city(loaded):
    data = Dataset(YEARS)
    for year in data.years:
        s = speech(data, year)
        assert all(g.rural_below for g in s["per_10k"]), year
        assert s["text"].startswith(
            "全市乡镇每万人口病床数、教育机构数、专任教师数和公共文化服务设施建筑面积均低于市均"
        )
        assert s["dibao"]["ratio"] >= 3  # "为城镇低保人数的*倍"
        assert s["garbage"].urban - s["garbage"].rural > 20 and s["sewage"].urban - s["sewage"].rural > 20


def test_values_vary_by_county_and_kind(loaded):
    data = Dataset(YEARS[-1:])
    beds = data.column(data.by_key["beds_per_10k"], YEARS[-1])
    by_kind = {
        kind: mean(
            beds.values[t.pk] for t in data.townships if t.kind == kind and beds.values[t.pk] is not None
        )
        for kind in ("街道", "镇", "乡")
    }
    assert by_kind["街道"] > by_kind["镇"] > by_kind["乡"]
    income = data.column(data.by_key["rural_income"], YEARS[-1])
    districts = [income.values[t.pk] for t in data.townships if t.kind == "镇" and t.parent.kind == "区"]
    counties = [income.values[t.pk] for t in data.townships if t.kind == "镇" and t.parent.kind == "县"]
    assert mean(v for v in districts if v) > mean(v for v in counties if v)


def test_every_township_profile_reads_true_against_its_numbers(loaded):
    data = Dataset(YEARS)
    assert len(data.townships) == 80
    for township in data.townships:
        profile = township_profile(data, township, YEARS[-1])
        assert profile.strengths and profile.gaps, township.name
        assert len(profile.radar()["indicators"]) >= 8
        for line in profile.strengths + profile.gaps:
            better = (
                line.value > line.city if line.indicator.direction == "higher" else line.value < line.city
            )
            assert better == (line in profile.strengths), (township.name, line.indicator.key)
            assert line.flagged == (line in profile.gaps)
            sentence = line.sentence()
            assert sentence.startswith(line.indicator.name + line.value_text)
            assert (
                f"（{line.city_text}）" in sentence
                and f"全市第{line.rank}位（共{line.ranked}个）" in sentence
            )
            assert ("高于" in sentence) == (line.value > line.city)
        for line in profile.lines:
            if line.rank is not None:
                column = data.column(line.indicator, YEARS[-1])
                better = [v for v in column.values.values() if v is not None and (
                    v > line.value if line.indicator.direction == "higher" else v < line.value)]  # fmt: skip
                assert line.rank == len(better) + 1
        assert profile.flagged_count == sum(
            1 for line in profile.lines if line.flagged and line.value is not None
        )
