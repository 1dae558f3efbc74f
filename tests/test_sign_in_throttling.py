"""Sign-in resists guessing: after a few failures for a user or from an address, the right password is refused too."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

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


def test_signing_in_as_oneself_does_not_wipe_failures_against_someone_else(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, LOGIN, "admin", "wrong")
    assert sign_in(Client(), LOGIN, "executive", PASSWORD).status_code == 302  # same address, own account
    assert sign_in(client, LOGIN, "admin", "wrong").status_code == 429  # the guessing is still counted


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_behind_the_tls_proxy_the_forwarded_address_is_throttled_not_the_proxys(world, settings, behind_proxy):
    settings.BEHIND_TLS_PROXY = behind_proxy
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client().post(LOGIN, {"username": f"nobody-{n}", "password": "wrong"}, REMOTE_ADDR="10.0.0.254",
                      HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7")
    other_client = Client().post(LOGIN, {"username": "executive", "password": PASSWORD}, REMOTE_ADDR="10.0.0.254",
                                 HTTP_X_FORWARDED_FOR="203.0.113.8")
    # Behind the proxy each client is its own address: one client's failures lock out only it.
    assert other_client.status_code == (302 if behind_proxy else 429)


def test_idle_sessions_expire_after_eight_hours_and_use_renews_them(client, world):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert sign_in(client, LOGIN, "executive", PASSWORD).status_code == 302
    key = client.session.session_key
    session = client.session
    session["renewed_at"] = int(time.time()) - 3600  # an hour since the session was last renewed
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(hours=7))  # an hour used up
    client.get("/")
    stored = Session.objects.get(pk=key).expire_date
    assert stored > timezone.now() + dt.timedelta(hours=7, minutes=59)  # renewed to eight hours from now
