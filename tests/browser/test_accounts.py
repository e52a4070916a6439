import pytest
from django.core.management import call_command
from pypdf import PdfReader

from pingyi.accounts.models import User
from pingyi.org.models import Unit

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_sets_up_the_demo_citys_accounts_in_one_step_and_a_clerk_changes_the_password(
    page, tmp_path
):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    townships, counties = Unit.objects.townships().count(), Unit.objects.counties().count()
    login(page, "zzb", "pingyi-demo")
    page.click("nav >> text=账号管理")
    page.click("#bulk-link")
    expected = townships + counties - 2  # the demo's clerk and liaison have their units already
    assert page.locator("#bulk-preview tbody tr").count() == expected
    shot(page, "accounts-01-bulk-preview")
    page.click("#bulk-form button")
    page.wait_for_selector("#issued-table")
    assert page.locator("#issued-table tbody tr").count() == expected
    assert User.objects.count() == expected + 4
    shot(page, "accounts-02-issued")
    with page.expect_download() as download:
        page.click("#slips-link")
    pdf = tmp_path / "slips.pdf"
    download.value.save_as(pdf)
    assert len(PdfReader(pdf).pages) == -(-expected // 8)
    first = page.locator("#issued-table tbody tr").first
    username = first.locator("td").nth(0).inner_text()
    password = first.locator("td").nth(1).inner_text()
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "accounts-03-issued-360")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("text=已打印，清除初始密码")
    page.wait_for_selector("#user-table")
    shot(page, "accounts-04-list")
    page.click("text=退出")

    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#password-form")
    shot(page, "accounts-05-first-login")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "Wanghu2026clerk")
    page.fill("#id_new_password2", "Wanghu2026clerk")
    page.click("#password-form button")
    page.wait_for_url(page.base_url + "/account/")
    assert "密码已修改" in page.inner_text(".messages")
    page.goto(page.base_url + "/cadres/")
    assert page.url.endswith("/cadres/")
