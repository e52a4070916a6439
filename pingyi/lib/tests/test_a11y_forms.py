"""A field in error is announced as such: aria-invalid, and described by its message and its hint."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string

from pingyi.lib.a11y import name_all


class MeetingForm(forms.Form):
    venue = forms.CharField(label="会场", help_text="写明楼层与房间")
    minutes = forms.IntegerField(label="每人述职时长（分钟）", min_value=1)


def test_a_field_in_error_points_at_its_message_and_hint():
    form = MeetingForm(data={"venue": "", "minutes": "0"})
    html = render_to_string("form_fields.html", {"form": form})
    venue = re.search(r'<input[^>]*name="venue"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in venue
    described = re.search(r'aria-describedby="([^"]+)"', venue).group(1).split()
    assert described == ["id_venue_helptext", "id_venue_error"]
    for ident in described:  # each id names an element of the page, with the words a reader hears
        assert re.search(rf'id="{ident}">[^<]+<', html)
    assert "这个字段是必填项" in html or "必填" in html
    minutes = re.search(r'<input[^>]*name="minutes"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in minutes and 'aria-describedby="id_minutes_error"' in minutes


def test_a_field_without_error_is_not_marked():
    html = render_to_string("form_fields.html", {"form": MeetingForm()})
    assert "aria-invalid" not in html and "_error" not in html


def test_bare_controls_of_a_filter_bar_are_named_after_their_label():
    form = name_all(MeetingForm())
    assert 'aria-label="每人述职时长（分钟）"' in str(form["minutes"])


@pytest.mark.django_db
def test_a_refused_filter_marks_its_control_and_names_the_message():
    from django.test import Client

    from pingyi.testing import make_city, make_personas

    client = Client()
    client.force_login(make_personas(make_city()).clerk)
    html = client.get("/cadres/", {"age": "不存在的年龄段"}).content.decode()
    age = re.search(r'<select[^>]*name="age"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in age and 'aria-describedby="id_age_error"' in age
    assert re.search(r'id="id_age_error">年龄段：', html)
