"""Small courtesies of the partner API: rate-limit headers, a clear answer to the wrong auth scheme,
and 'owner=me' refused for a key instead of silently matching nothing."""

from tests.api.conftest import with_key


def test_every_counted_answer_carries_rate_limit_headers(world, keys, api, settings):
    client = with_key(api, keys.own)
    first = client.get("/api/v1/clouds/")
    second = client.get("/api/v1/items/?cloud=nope")  # a 404 is counted too
    limit = int(first["RateLimit-Limit"])
    assert limit == int(settings.API_THROTTLE_RATE.split("/")[0])
    assert int(first["RateLimit-Remaining"]) == limit - 1 and int(second["RateLimit-Remaining"]) == limit - 2
    assert 0 < int(first["RateLimit-Reset"]) <= 60 * 60 * 24
    assert second.status_code == 404


def test_a_bearer_key_gets_a_401_naming_the_right_scheme(world, keys, api):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {keys.own}")
    response = api.get("/api/v1/clouds/")
    assert response.status_code == 401
    assert 'Authorization: Api-Key <key>' in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Api-Key")


def test_owner_me_with_a_key_is_a_400_that_says_why(world, keys, api):
    response = with_key(api, keys.own).get("/api/v1/items/?owner=me")
    assert response.status_code == 400 and "API key is nobody" in response.json()["errors"]["owner"][0]
    api.force_authenticate(world.partner_user)
    assert api.get("/api/v1/items/?owner=me").status_code == 200
