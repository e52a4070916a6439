from types import SimpleNamespace

import pytest
from django.test import Client

from pingyi.testing import make_cadre, make_city, make_personas


@pytest.fixture
def world(db):
    city = make_city()
    people = make_personas(city)
    cadres = SimpleNamespace(
        qingshan=make_cadre(city.qingshan, "青山书记"),
        wenchang=make_cadre(city.wenchang, "文昌书记", titles=["党工委书记"]),
        liuying=make_cadre(city.liuying, "柳营书记"),
    )
    return SimpleNamespace(city=city, people=people, cadres=cadres)


@pytest.fixture
def as_user():
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login
