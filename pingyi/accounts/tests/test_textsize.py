"""大字 on the management site: the masthead's button keeps the choice in the phone ballot's cookie."""

import pytest
from django.test import Client
from django.urls import reverse

from pingyi.testing import make_city, make_personas

pytestmark = pytest.mark.django_db


def test_the_larger_type_is_kept_over_pages_and_reloads_and_can_be_undone():
    people = make_personas(make_city())
    client = Client()
    client.force_login(people.clerk)
    assert 'class="large-text"' not in client.get("/cadres/").content.decode()

    chosen = client.post(reverse("text_size"), {"text": "large", "next": "/cadres/?q=张"})
    assert (
        chosen.status_code == 302 and chosen["Location"] == "/cadres/?q=%E5%BC%A0"
    )  # back where it was pressed
    assert chosen.cookies["pingyi_text"].value == "large"
    page = client.get("/cadres/").content.decode()
    assert '<html lang="zh-CN" class="large-text">' in page
    assert 'aria-pressed="true"' in page
    assert 'class="large-text"' in client.get("/").content.decode()  # every page, not only the one

    back = client.post(reverse("text_size"), {"text": "normal", "next": "/"})
    assert back.cookies["pingyi_text"].value == ""
    assert 'class="large-text"' not in client.get("/").content.decode()


def test_the_button_never_sends_anyone_to_another_site():
    response = Client().post(reverse("text_size"), {"text": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert Client().get(reverse("text_size")).status_code == 405


def test_the_login_page_offers_it_too():
    page = Client().get(reverse("login")).content.decode()
    assert 'id="text-size"' in page and "大字" in page
