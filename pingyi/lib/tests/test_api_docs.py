"""/api/docs: our own reference page, read from the same OpenAPI schema as /api/openapi.json."""

import html
import re

import pytest
from django.test import Client

from pingyi.testing import make_city, make_personas

pytestmark = pytest.mark.django_db

ARTICLE = re.compile(r'<article class="api-op" id="([^"]+)"[^>]*>(.*?)</article>', re.S)


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_every_operation_of_the_schema_is_on_the_page_with_its_parameters_and_answers():
    schema = Client().get("/api/openapi.json").json()
    response = Client().get("/api/docs")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    articles = dict(ARTICLE.findall(page))
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 15 and len(articles) == len(operations)
    for path, method, op in operations:
        article = articles.get(op["operationId"])
        assert article is not None, f"{method.upper()} {path} is not on the page"
        words = text(article)
        assert words.startswith(f"{method.upper()} {path} {op['summary']}"), words[:120]
        if op.get("description"):
            assert op["description"] in words
        for parameter in op.get("parameters", []):
            assert f"{parameter['name']} {'网址路径' if parameter['in'] == 'path' else '查询参数'}" in words
        for code in op["responses"]:
            assert re.search(rf"\b{code}\b", words), (path, code)
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in body:
            component = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
            for field in component["properties"]:
                assert field in words, (path, field)
    # Every structure an operation refers to has its own table, linked from where it is used.
    for name in schema["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    for target in re.findall(r'href="#(schema-[^"]+)"', page):
        assert f'id="{target}"' in page


def test_the_reference_reads_without_a_login_script_or_outside_address():
    """Who may read it is as before (anyone, like the schema); the API itself asks for a login or token."""
    page = Client().get("/api/docs").content.decode()
    assert "swagger" not in page.lower()
    assert "<script" not in page.split("</head>")[1].split("</footer>")[0]  # the content needs no script
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []  # nothing from another server
    assert 'href="/api/openapi.json"' in page
    assert "Authorization: Bearer pyt_…" in page and "X-CSRFToken" in page
    assert Client().get("/api/v1/me").status_code == 401


def test_a_logged_in_reader_sees_the_site_around_it():
    people = make_personas(make_city())
    client = Client()
    client.force_login(people.clerk)
    page = client.get("/api/docs").content.decode()
    assert '<nav class="mainnav">' in page and "<title>接口文档 · " in page
    assert 'href="/api/docs" class="right active"' in page
