"""Sign-in resists guessing: after a few failures for a user or from an address, the right password is refused too."""

import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.management import call_command
from django.test import Client

PASSWORD = "pw-for-tests-only"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"


def sign_in(client, url, username, password, address="10.9.8.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN], ids=["portal", "admin"])
def test_after_the_failure_limit_the_right_password_is_refused_with_a_clear_message(world, url):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, url, "admin", "wrong").status_code == 200  # the form again, with its error
    assert sign_in(client, url, "admin", "wrong").status_code == 429  # the failure that reaches the limit
    locked = sign_in(client, url, "admin", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_the_user_from_another_address(world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), LOGIN, "admin", "wrong", address="10.0.0.1")
    assert sign_in(Client(), LOGIN, "admin", PASSWORD, address="10.0.0.2").status_code == 429


def test_the_lock_holds_for_the_address_whichever_user_it_tries(world):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), LOGIN, f"nobody-{n}", "wrong", address="10.0.0.3")
    assert sign_in(Client(), LOGIN, "executive", PASSWORD, address="10.0.0.3").status_code == 429
    assert sign_in(Client(), LOGIN, "executive", PASSWORD, address="10.0.0.4").status_code == 302


def test_failed_sign_ins_are_kept_and_an_administrator_can_unlock(world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), LOGIN, "executive", "wrong")
    assert AccessFailureLog.objects.filter(username="executive").count() == settings.AXES_FAILURE_LIMIT
    admin = Client()
    admin.force_login(world.admin)
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    call_command("axes_reset_username", "executive", verbosity=0)
    AccessAttempt.objects.filter(ip_address="10.9.8.7").delete()  # as the admin's delete action does
    assert sign_in(Client(), LOGIN, "executive", PASSWORD).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), LOGIN, "executive", "wrong")
    assert sign_in(Client(), LOGIN, "executive", PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), LOGIN, "executive", "wrong")
    assert sign_in(Client(), LOGIN, "executive", PASSWORD).status_code == 302


def test_idle_sessions_expire_after_eight_hours_and_use_renews_them(client, world):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert sign_in(client, LOGIN, "executive", PASSWORD).status_code == 302
    first = client.session.get_expiry_date()
    session = client.session
    session["renewed_at"] = int(time.time()) - 3600  # an hour since the session was last renewed
    session.save()
    client.get("/")
    assert client.session.get_expiry_date() > first
