"""The API answers hostile numbers with a reason in its own schema, never a 500."""

import pytest
from django.test import Client

from pingyi.testing import make_cadre, make_city, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer():
    city = make_city()
    make_cadre(city.qingshan)
    client = Client()
    client.force_login(make_personas(city).organizer)
    return client


def test_a_page_number_no_database_can_hold_is_a_422_naming_the_bound(organizer):
    response = organizer.get("/api/v1/cadres", {"page": 4611686018427387903})
    assert response.status_code == 422
    assert response.json()["message"] == "请求有误：查询参数 page：应不大于 1000000"
    assert organizer.get("/api/v1/cadres", {"page": 1}).status_code == 200


def test_an_id_of_twenty_digits_is_refused_as_out_of_range_or_not_found(organizer):
    for url in ("/api/v1/units/99999999999999999999", "/api/v1/cadres/99999999999999999999"):
        response = organizer.get(url)
        assert response.status_code in (400, 404, 422), url
        assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


def test_every_operation_declares_the_errors_it_may_answer(organizer):
    schema = organizer.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    body = schema["components"]["schemas"]["CheckIn"]["properties"]["text"]
    assert body["minLength"] == 1 and body["maxLength"] == 200_000
