"""The login lockout holds against other spellings of a name and against a forged address header."""

import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from pingyi.accounts.models import LoginFailure
from pingyi.audit.models import AuditEvent
from pingyi.testing import PASSWORD, make_city, make_personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("people")]

# Fullwidth ｌ (U+FF4C) and mathematical bold 𝐥 (U+1D425): NFKC makes both "l", as the login form does.
VARIANTS = ["ｌeader", "𝐥eader", "LEADER", " leader "]


@pytest.fixture
def people():
    return make_personas(make_city())


def attempt(username, password=PASSWORD, *, ip="10.0.0.1", **headers):
    return Client(REMOTE_ADDR=ip, **headers).post(
        reverse("login"), {"username": username, "password": password}
    )


@override_settings(LOGIN_MAX_FAILURES=5)
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_locked_name_stays_locked_under_every_spelling_that_logs_in_as_it(variant):
    # Unlocked, the variant is the same account to the login form.
    assert attempt("ｌeader").status_code == 302 and attempt("𝐥eader").status_code == 302
    for n in range(5):
        assert attempt("leader", "wrong", ip=f"10.0.1.{n}").status_code == 400
    response = attempt(variant, ip="10.0.2.1")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=5)
def test_failures_under_different_spellings_add_up_for_one_account():
    for n, name in enumerate(["leader", "ｌeader", "𝐥eader", "Leader", "ＬＥＡＤＥＲ"]):
        assert attempt(name, "wrong", ip=f"10.0.1.{n}").status_code == 400
    assert attempt("leader", ip="10.0.2.1").status_code == 429
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"leader"}
    # The other accounts are not affected.
    assert attempt("clerk", ip="10.0.2.2").status_code == 302


@override_settings(LOGIN_MAX_FAILURES=5)
def test_one_address_trying_many_names_is_locked_out_but_others_are_not():
    for n in range(20):
        attempt(f"guess{n}", "wrong", ip="192.0.2.7")
    assert attempt("clerk", ip="192.0.2.7").status_code == 429
    assert attempt("clerk", ip="192.0.2.8").status_code == 302
    assert AuditEvent.objects.filter(action="login_locked", ip="192.0.2.7").count() == 1


@override_settings(LOGIN_MAX_FAILURES=5, BEHIND_PROXY=False)
def test_a_forged_real_ip_header_is_not_believed_by_a_server_not_behind_a_proxy():
    for n in range(20):
        attempt(f"guess{n}", "wrong", ip="192.0.2.7", HTTP_X_REAL_IP=f"198.51.100.{n}")
    response = attempt("clerk", ip="192.0.2.7", HTTP_X_REAL_IP="198.51.100.99")
    assert response.status_code == 429
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"192.0.2.7"}


@override_settings(LOGIN_MAX_FAILURES=5, BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_is_nginxs_real_ip():
    # Every request reaches gunicorn from nginx on 127.0.0.1; the clients differ in X-Real-IP.
    for n in range(20):
        attempt(f"guess{n}", "wrong", ip="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")
    assert attempt("clerk", ip="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert attempt("clerk", ip="127.0.0.1", HTTP_X_REAL_IP="198.51.100.2").status_code == 302
    assert AuditEvent.objects.filter(action="login", ip="198.51.100.2").exists()


@override_settings(BEHIND_PROXY=True)
def test_a_malformed_address_header_is_ignored_not_an_error():
    response = attempt("clerk", "wrong", ip="127.0.0.1", HTTP_X_REAL_IP="not-an-address'; --")
    assert response.status_code == 400
    assert LoginFailure.objects.get().ip == "127.0.0.1"


@pytest.mark.parametrize("setting, believed", [(None, "True"), ("0", "False")])
def test_production_believes_nginx_as_deployed_unless_told_it_faces_clients_itself(setting, believed):
    environment = {k: v for k, v in os.environ.items() if k != "PINGYI_BEHIND_PROXY"}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "pingyi.settings.production",
        "SECRET_KEY": "test-only-" + "k" * 50,
        "ALLOWED_HOSTS": "pingyi.example",
    }
    if setting is not None:
        environment["PINGYI_BEHIND_PROXY"] = setting
    code = "import django; django.setup(); from django.conf import settings; print(settings.BEHIND_PROXY)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == believed
