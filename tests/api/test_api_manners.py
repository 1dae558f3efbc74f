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
    assert response.status_code == 400 and "API key is nobody" in response.json()["fields"]["owner"][0]
    api.force_authenticate(world.partner_user)
    assert api.get("/api/v1/items/?owner=me").status_code == 200


def test_if_none_match_answers_304_on_items_and_clouds(world, keys, api):
    from readiness.choices import ChangeSource
    from readiness.services import update_item
    from tests.readiness.test_recompute import item_of

    client = with_key(api, keys.own)
    item = item_of(world.cloud_a, "PPL-02")
    first = client.get(f"/api/v1/items/{item.pk}/")
    assert first["ETag"] == '"1"'
    assert client.get(f"/api/v1/items/{item.pk}/", HTTP_IF_NONE_MATCH='"1"').status_code == 304
    update_item(item=item, changes={"notes": "changed"}, actor=None, source=ChangeSource.JOB, expected_version=1)
    assert client.get(f"/api/v1/items/{item.pk}/", HTTP_IF_NONE_MATCH='"1"').status_code == 200
    cloud = client.get("/api/v1/clouds/cloud-a/")
    assert cloud.status_code == 200 and cloud["ETag"]
    assert client.get("/api/v1/clouds/cloud-a/", HTTP_IF_NONE_MATCH=cloud["ETag"]).status_code == 304


def test_findings_come_in_pages_synced_by_updated_since_and_are_acknowledged_once(world, keys, api):
    import datetime as dt

    from django.utils import timezone

    from readiness.choices import ChangeSource
    from readiness.insights.engine import refresh_findings
    from readiness.models import Finding
    from readiness.services import update_item
    from tests.readiness.test_recompute import item_of

    late = timezone.localdate() - dt.timedelta(days=1)  # a gating item overdue: a second finding
    update_item(item=item_of(world.cloud_a, "PPL-01"), changes={"due_date": late}, actor=None,
                source=ChangeSource.JOB, expected_version=1)
    refresh_findings(None)
    client = with_key(api, keys.own)
    page = client.get("/api/v1/findings/?page_size=1").json()
    assert len(page["results"]) == 1 and page["next"]
    assert client.get(page["next"]).json()["results"][0]["id"] != page["results"][0]["id"]
    finding = Finding.objects.get(cloud=world.cloud_a, rule="unowned")
    since = timezone.now().isoformat()
    assert client.get("/api/v1/findings/", {"updated_since": since}).json()["results"] == []
    first = client.post(f"/api/v1/findings/{finding.pk}/acknowledge/", {"note": "Naming owners"}, format="json")
    assert first.status_code == 200 and first.json()["acknowledgement_note"] == "Naming owners"
    assert [row["id"] for row in client.get("/api/v1/findings/", {"updated_since": since}).json()["results"]] == [
        finding.pk]
    again = client.post(f"/api/v1/findings/{finding.pk}/acknowledge/", {"note": "Other"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_acknowledged"
    assert again.json()["current"]["acknowledgement_note"] == "Naming owners"
    acknowledged = client.get("/api/v1/findings/?acknowledged=true").json()["results"]
    assert [row["id"] for row in acknowledged] == [finding.pk]
    assert client.post(f"/api/v1/findings/{finding.pk}/acknowledge/", {}, format="json").status_code == 400
    other = Finding.objects.filter(cloud=world.cloud_a).exclude(pk=finding.pk).first()
    assert client.post(f"/api/v1/findings/{other.pk}/acknowledge/", {"note": ""}, format="json").status_code == 400
    assert client.get("/api/v1/findings/?acknowledged=maybe").status_code == 400


ERROR_KEYS = {"code", "detail", "fields", "errors"}


def assert_error_shape(response, extra: set[str] = frozenset()) -> dict:
    body = response.json()
    assert set(body) == ERROR_KEYS | extra, body
    assert isinstance(body["code"], str) and body["code"] and isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["fields"], dict) and isinstance(body["errors"], list), body
    assert all(isinstance(name, str) and messages and all(isinstance(m, str) for m in messages)
               for name, messages in body["fields"].items()), body
    for row in body["errors"]:
        assert {"index", "code", "fields"} <= set(row) <= {"index", "code", "fields", "id", "external_id"}, row
        assert all(isinstance(m, str) for messages in row["fields"].values() for m in messages), row
    return body


def test_every_error_has_the_one_shape_with_a_stable_code(world, keys, api, settings):
    from tests.api.conftest import make_key
    from tests.readiness.test_recompute import item_of

    client = with_key(api, keys.own)
    item = item_of(world.cloud_a, "PPL-02")
    hidden = item_of(world.cloud_b, "PPL-02")
    answers = [
        ("invalid", client.get("/api/v1/items/?colour=red")),
        ("invalid", client.post("/api/v1/items/bulk/", {"items": [{"id": item.pk, "version": 1, "status": "x"}]},
                                format="json")),
        ("invalid", client.post("/api/v1/staff/bulk/", {"staff": [{"external_id": "e-1"}]}, format="json")),
        ("invalid", client.post("/api/v1/metrics/bulk/", {"values": [{"cloud": "cloud-a"}]}, format="json")),
        ("not_found", client.get(f"/api/v1/items/{hidden.pk}/")),
        ("not_found", client.get("/api/v1/no-such-thing/")),
        ("precondition_required", client.patch(f"/api/v1/items/{item.pk}/", {"notes": "x"}, format="json")),
        ("method_not_allowed", client.delete(f"/api/v1/items/{item.pk}/")),
        ("authentication_failed", with_key(api.__class__(), "nope").get("/api/v1/items/")),
        ("not_authenticated", api.__class__().get("/api/v1/items/")),
        ("not_acceptable", client.get("/api/v1/items/", HTTP_ACCEPT="text/csv")),
        ("unsupported_media_type", client.generic("PATCH", f"/api/v1/items/{item.pk}/", b"notes=x",
                                                  content_type="text/plain", HTTP_IF_MATCH='"1"')),
        ("malformed_body", client.generic("PATCH", f"/api/v1/items/{item.pk}/", b"{", content_type="application/json",
                                          HTTP_IF_MATCH='"1"')),
        ("malformed_request", client.get("/api/v1/items/?q=%00")),
        ("malformed_request", client.get("/api/v1/items/", CONTENT_LENGTH="abc")),
        ("invalid_idempotency_key", client.patch(f"/api/v1/items/{item.pk}/", {"notes": "x"}, format="json",
                                                 HTTP_IF_MATCH='"1"', HTTP_IDEMPOTENCY_KEY="not visible \u00e9")),
        ("payload_too_large", client.generic("POST", "/api/v1/items/bulk/",
                                             b"x" * (settings.MAX_REQUEST_BODY_BYTES + 1),
                                             content_type="application/json")),
    ]
    executive = api.__class__()
    executive.force_authenticate(world.executive)
    answers.append(("permission_denied", executive.patch(f"/api/v1/items/{item.pk}/", {"notes": "x"}, format="json",
                                                         HTTP_IF_MATCH='"1"')))
    keyed = with_key(api.__class__(), make_key(world.partner_a, "idem"))
    keyed.patch(f"/api/v1/items/{item.pk}/", {"notes": "a"}, format="json", HTTP_IF_MATCH='"1"',
                HTTP_IDEMPOTENCY_KEY="k-1")
    answers.append(("idempotency_key_reused", keyed.patch(f"/api/v1/items/{item.pk}/", {"notes": "b"}, format="json",
                                                          HTTP_IF_MATCH='"1"', HTTP_IDEMPOTENCY_KEY="k-1")))
    assert [(code, response.json()["code"]) for code, response in answers] == [(code, code) for code, _ in answers]
    for code, response in answers:
        body = assert_error_shape(response)
        assert (body["errors"] != []) == (code == "invalid" and "/bulk/" in response.wsgi_request.path), body
    stale = client.patch(f"/api/v1/items/{item.pk}/", {"notes": "c"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert assert_error_shape(stale, {"current", "etag", "changed_fields", "changed_since"})["code"] == "stale_version"


def test_the_schema_declares_the_shared_headers_and_required_bodies(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    item = schema["paths"]["/api/v1/items/{id}/"]
    assert "ETag" in item["get"]["responses"]["200"]["headers"]
    assert "ETag" in item["patch"]["responses"]["412"]["headers"]
    assert item["patch"]["requestBody"]["required"] is True
    assert "Idempotency-Key" in [p["name"] for p in item["patch"]["parameters"]]
    assert "Retry-After" in item["get"]["responses"]["429"]["headers"]
    assert "WWW-Authenticate" in item["get"]["responses"]["401"]["headers"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answers = operation["responses"]
            ok = [code for code in answers if code.startswith("2")]
            assert ok and all("RateLimit-Remaining" in answers[code].get("headers", {}) for code in ok), (path, method)
    assert schema["components"]["schemas"]["Cloud"]["properties"]["stage"]["$ref"].endswith("StageEnum")


def test_every_operation_documents_its_errors_in_the_one_shape(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    assert set(components["Error"]["required"]) == {"code", "detail", "fields", "errors"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answers = operation["responses"]
            wanted = {"401", "405", "406", "429", "503"} | ({"404"} if "{" in path else set())
            if method in ("post", "put", "patch", "delete"):
                wanted |= {"400", "403", "409", "413", "422"} | ({"415"} if "requestBody" in operation else set())
            assert wanted <= set(answers), (path, method, sorted(wanted - set(answers)))
            for status, answer in answers.items():
                if status[0] != "4" and status != "503":
                    continue
                body = answer["content"]["application/json"]["schema"]
                for ref in [option["$ref"] for option in body.get("anyOf", [body])]:
                    shape = components[ref.rsplit("/", 1)[1]]
                    assert {"code", "detail", "fields", "errors"} <= set(shape["required"]), (path, method, status)
                    if status in ("409", "412") and not ref.endswith("/Error"):
                        assert "current" in shape["properties"], (path, method, status)
                if status == "409" and method != "get":  # an Idempotency-Key in flight answers the plain Error
                    assert body == {"$ref": "#/components/schemas/Error"} or \
                        {"$ref": "#/components/schemas/Error"} in body["anyOf"], (path, method)
    bulk_rows = components["ItemBulkRequest"]["properties"]["items"]["items"]
    assert bulk_rows["$ref"].endswith("/BulkRowRequest")


def test_too_many_query_parameters_get_a_json_400_in_debug_too(world, keys, api, settings):
    settings.DEBUG = True
    response = with_key(api, keys.own).get("/api/v1/events/?" + "&".join(["limit=1"] * 1200))
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "malformed_request"


def test_if_match_on_a_read_is_not_judged_by_the_conditional_get(world, keys, api):
    from tests.readiness.test_recompute import item_of

    client = with_key(api, keys.own)
    item = item_of(world.cloud_a, "PPL-02")
    response = client.get(f"/api/v1/items/{item.pk}/", HTTP_IF_MATCH='"999"')
    assert response.status_code == 200 and response.json()["id"] == item.pk
    assert client.get(f"/api/v1/items/{item.pk}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
