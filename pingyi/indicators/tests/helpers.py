"""Shared by the indicator tests: values written the way the system writes them."""

from decimal import Decimal

from django.test import Client

from pingyi.indicators.actions import do_load_values
from pingyi.indicators.models import Indicator


def indicator(key: str) -> Indicator:
    return Indicator.objects.get(key=key)


def approve(unit, year: int, **values) -> None:
    """Signed-off values, as the organizer's own entries are."""
    entries = [
        (unit.pk, indicator(k).pk, year, None if v is None else Decimal(str(v))) for k, v in values.items()
    ]
    do_load_values(entries, None)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
