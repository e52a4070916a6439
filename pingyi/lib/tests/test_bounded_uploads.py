"""While every reading slot is taken, an upload is told to try again and nothing is written."""

import multiprocessing

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pingyi.lib import bounded
from pingyi.org.models import Cadre, RosterImport
from pingyi.testing import make_city, make_personas, roster_bytes

pytestmark = pytest.mark.django_db


def _hold_slot(ready, release):
    with bounded._slot():
        ready.set()
        release.wait(30)


@pytest.fixture
def every_slot_taken(tmp_path, monkeypatch):
    """Another gunicorn worker reading a slow file in the only slot."""
    monkeypatch.setattr(bounded, "SLOT_DIR", str(tmp_path / "slots"))
    monkeypatch.setattr(bounded, "PARSE_SLOTS", 1)
    monkeypatch.setattr(bounded, "PARSE_QUEUE_SECONDS", 0.3)
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_slot, args=(ready, release))
    holder.start()
    assert ready.wait(5)
    yield
    release.set()
    holder.join(5)


def test_a_roster_uploaded_while_the_server_reads_other_files_is_refused_with_a_reason(
    every_slot_taken,
):
    city = make_city()
    client = Client()
    client.force_login(make_personas(city).organizer)
    data = roster_bytes([])
    cadres = Cadre.objects.count()

    busy = client.post(reverse("roster_upload"), {"file": SimpleUploadedFile("名册.xlsx", data)}, follow=True)

    assert busy.status_code == 400
    assert "系统正在处理其他上传的文件" in busy.content.decode()
    assert Cadre.objects.count() == cadres
    assert RosterImport.objects.get().status == RosterImport.Status.REJECTED  # nothing to confirm
