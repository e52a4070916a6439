"""Three years of indicator values for the demo city, called by `manage.py load_demo`: the last
three complete years before the day it is loaded (2023–2025 when loaded in 2026; lib/demo_clock).

Deterministic: each township draws from its own `random.Random` seeded with its 区划代码, so a
value does not depend on the order of units or on what else exists. Idempotent: only values
that differ from the intended state are written, so a second run changes nothing.

Magnitudes vary by county (districts richer than counties) and by kind: 街道 hold the hospitals,
schools and sewage works, 镇 the industry, 乡 are small and rural. So the speech's claims hold
for the demo city: per 10,000 residents the 乡镇 have fewer beds, education institutions,
full-time teachers and cultural floor space than the city; rural 低保 recipients are several
times the urban ones; rural sorting and sewage rates lag far behind. A few values are missing.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from pingyi.accounts.models import Role, User
from pingyi.lib.demo_clock import indicator_years
from pingyi.org.models import Unit

from .actions import do_load_values
from .models import Indicator, IndicatorValue, Status

SEED = 20221
COUNTY_WEALTH = {"区": (1.15, 1.3), "县级市": (1.02, 1.12), "县": (0.78, 0.98)}
# (街道, 镇, 乡) ranges per kind, drawn once per township.
KIND = {"街道": 0, "镇": 1, "乡": 2}


def _pick(rng, ranges, kind):
    low, high = ranges[KIND[kind]]
    return rng.uniform(low, high)


def _d(value: float, places: int = 0) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def township_values(unit: Unit, county_wealth: float) -> dict[tuple[str, int], Decimal]:
    """(indicator key, year) → value for one township; absent keys are not reported."""
    rng = random.Random(f"{SEED}-{unit.code}")
    kind = unit.kind
    base_population = unit.population or 30000
    wealth = county_wealth * (1.6, 1.0, 0.65)[KIND[kind]] * rng.uniform(0.8, 1.25)
    draws = {
        "gdp_pc": 6.5 * wealth,
        "revenue": rng.uniform(0.05, 0.08),
        "industry": _pick(rng, [(0.2, 0.6), (0.9, 1.8), (0.3, 0.7)], kind),
        "hightech": _pick(rng, [(0.35, 0.55), (0.15, 0.4), (0.05, 0.2)], kind),
        "cluster": rng.uniform(25, 125) if kind == "镇" and rng.random() < 0.45 else None,
        "invest": rng.uniform(0.08, 0.2),
        "projects": round(_pick(rng, [(6, 14), (4, 12), (1, 4.4)], kind)),
        "tech": _pick(rng, [(0.3, 0.6), (0.15, 0.4), (0.0, 0.3)], kind),
        "green": rng.uniform(0.2, 0.6),
        "mu": _pick(rng, [(10, 30), (30, 80), (30, 80)], kind),
        "tax_per_mu": _pick(rng, [(20, 45), (8, 25), (3, 10)], kind),
        "income": (34000, 26000, 21000)[KIND[kind]] * county_wealth**0.5 * rng.uniform(0.93, 1.07),
        "beds": _pick(rng, [(75, 115), (24, 42), (16, 30)], kind),
        "schools": _pick(rng, [(4.0, 5.5), (2.4, 3.6), (2.0, 3.2)], kind),
        "teachers": _pick(rng, [(125, 165), (78, 108), (68, 95)], kind),
        "culture": _pick(rng, [(2600, 4200), (1100, 2100), (800, 1500)], kind),
        "rural_dibao": _pick(rng, [(0.001, 0.003), (0.015, 0.025), (0.025, 0.04)], kind),
        "urban_dibao": _pick(rng, [(0.005, 0.009), (0.0015, 0.003), (0.0005, 0.0012)], kind),
        "garbage": (0.33, 0.26, 0.22)[KIND[kind]] * rng.uniform(0.9, 1.1),
        "garbage_rate": _pick(rng, [(0.86, 0.95), (0.45, 0.72), (0.30, 0.52)], kind),
        "sewage": (0.0045, 0.0030, 0.0022)[KIND[kind]] * rng.uniform(0.9, 1.1),
        "sewage_rate": _pick(rng, [(0.92, 0.96), (0.55, 0.80), (0.35, 0.60)], kind),
        "crime": _pick(rng, [(24, 40), (12, 24), (8, 15)], kind),
        "petitions": _pick(rng, [(150, 380), (70, 240), (25, 90)], kind),
        "villages": round(_pick(rng, [(8, 16), (22, 46), (12, 26)], kind)),
        "strong": _pick(rng, [(0.7, 0.9), (0.3, 0.7), (0.1, 0.45)], kind),
        "members": rng.uniform(0.045, 0.07),
    }
    values: dict[tuple[str, int], Decimal] = {}
    for k, year in enumerate(indicator_years()):
        pop = round(base_population * (0.985, 0.993, 1.0)[k])
        per_10k = pop / 10000
        gdp = pop * draws["gdp_pc"] * 1.055**k
        industry = gdp * draws["industry"]
        projects = max(0, draws["projects"] + rng.choice((-1, 0, 0, 1)))
        land = projects * draws["mu"] * rng.uniform(0.85, 1.15)
        garbage = pop * draws["garbage"]
        sewage = pop * draws["sewage"]
        petitions = round(draws["petitions"] * rng.uniform(0.85, 1.15))
        accidents = rng.choice(
            (0, 0, 1, 1, 2) if kind == "街道" else (0, 0, 1, 1, 2, 3) if kind == "镇" else (0, 0, 1, 2)
        )
        year_values = {
            "population": pop,
            "gdp": _d(gdp),
            "budget_revenue": _d(gdp * draws["revenue"]),
            "industrial_output": _d(industry),
            "hightech_output": _d(industry * min(draws["hightech"] + 0.012 * k, 0.9)),
            "investment_funds": _d(gdp * draws["invest"] * rng.uniform(0.85, 1.15)),
            "new_projects": projects,
            "tech_projects": round(projects * draws["tech"]),
            "green_projects": round(projects * min(draws["green"] + 0.04 * k, 1)),
            "project_land": _d(land, 1),
            "project_tax": _d(land * draws["tax_per_mu"] * rng.uniform(0.9, 1.1), 1),
            "rural_income": _d(draws["income"] * 1.065**k),
            "beds": round(per_10k * draws["beds"] * 1.02**k),
            "schools": round(per_10k * draws["schools"]),
            "teachers": round(per_10k * draws["teachers"] * 1.01**k),
            "culture_area": round(per_10k * draws["culture"] * 1.04**k),
            "rural_dibao": round(pop * draws["rural_dibao"] * 0.97**k),
            "urban_dibao": round(pop * draws["urban_dibao"] * 0.97**k),
            "garbage_total": _d(garbage),
            "garbage_sorted": _d(garbage * min(draws["garbage_rate"] + 0.035 * k, 0.99)),
            "sewage_total": _d(sewage, 2),
            "sewage_treated": _d(sewage * min(draws["sewage_rate"] + 0.03 * k, 0.99), 2),
            "accidents": accidents,
            "accident_deaths": 1 if accidents and rng.random() < 0.3 else 0,
            "criminal_cases": round(per_10k * draws["crime"] * rng.uniform(0.9, 1.1)),
            "petitions_due": petitions,
            "petitions_on_time": round(petitions * rng.uniform(0.86, 1.0)),
            "villages": draws["villages"],
            "strong_villages": round(draws["villages"] * min(draws["strong"] + 0.05 * k, 1)),
            "party_members": round(pop * draws["members"]),
            "weak_party_orgs": rng.choice((0, 0, 1) if kind == "街道" else (0, 0, 1, 2)),
        }
        if draws["cluster"] is not None:
            year_values["cluster_output"] = _d(draws["cluster"] * 1.08**k, 1)
        for key, value in year_values.items():
            values[(key, year)] = value if isinstance(value, Decimal) else Decimal(value)
    return values


def _county_wealth(counties) -> dict[int, float]:
    wealth = {}
    for county in counties:
        rng = random.Random(f"{SEED}-county-{county.code}")
        wealth[county.pk] = rng.uniform(*COUNTY_WEALTH.get(county.kind, (0.9, 1.1)))
    return wealth


def _leave_gaps(townships, values) -> None:
    """A few values the townships did not report, as in any real collection."""
    rng = random.Random(f"{SEED}-gaps")
    keys = sorted({key for (_, key, _) in values} - {"population"})
    for township in rng.sample(townships, min(5, len(townships))):
        key, year = rng.choice(keys), rng.choice(indicator_years())
        values.pop((township.pk, key, year), None)
    # One township has no population figure for the first year: its per-10,000 values are —.
    values.pop((townships[len(townships) // 2].pk, "population", indicator_years()[0]), None)


def intended_values(townships) -> dict[tuple[int, str, int], Decimal]:
    counties = {t.parent for t in townships if t.parent and t.parent.is_county}
    wealth = _county_wealth(sorted(counties, key=lambda u: u.code))
    values = {}
    for township in townships:
        for (key, year), value in township_values(township, wealth.get(township.parent_id, 1.0)).items():
            values[(township.pk, key, year)] = value
    _leave_gaps(townships, values)
    return values


def _pending_corrections(townships, values) -> dict[tuple[int, str, int], Decimal]:
    """The demo clerk's township has sent two corrections for the last year, awaiting sign-off."""
    clerk = User.objects.filter(username="clerk", role=Role.TOWNSHIP_CLERK).select_related("unit").first()
    if clerk is None or clerk.unit is None or not clerk.unit.is_township:
        return {}
    corrections = {}
    for key, factor in (("beds", Decimal("1.05")), ("teachers", Decimal("0.98"))):
        current = values.get((clerk.unit.pk, key, indicator_years()[-1]))
        if current is not None:
            corrections[(clerk.unit.pk, key, indicator_years()[-1])] = (current * factor).quantize(Decimal(1))
    return corrections


def load(stdout) -> None:
    townships = list(Unit.objects.townships().select_related("parent").order_by("code"))
    if not townships:
        return
    indicators = {i.key: i for i in Indicator.objects.stored()}
    values = {k: v for k, v in intended_values(townships).items() if k[1] in indicators}
    corrections = _pending_corrections(townships, values)
    existing = {
        (v.unit_id, v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(year__in=indicator_years())
    }
    signed_off, sent = [], []
    for (unit_id, key, year), value in values.items():
        entry = (unit_id, indicators[key].pk, year)
        row = existing.get(entry)
        correction = corrections.get((unit_id, key, year))
        if row is None or row.approved_value != value or row.value != (correction or value):
            signed_off.append((*entry, value))
        if correction is not None and (
            row is None or row.value != correction or row.status != Status.PENDING
        ):
            sent.append((*entry, correction))
    written = do_load_values(signed_off, None, resubmit={e[:3] for e in signed_off}, target="演示数据")
    if sent:
        clerk = User.objects.get(username="clerk")
        written += do_load_values(sent, clerk, resubmit={e[:3] for e in sent}, target="演示数据（待审核）")
    stdout.write(
        f"发展指标：{len(townships)} 个乡镇（街道）{indicator_years()[0]}—{indicator_years()[-1]}年，写入 {written} 项"
    )
