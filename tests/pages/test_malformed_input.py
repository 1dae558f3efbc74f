"""NUL bytes, 1 MB strings and invalid UTF-8 in every parameter of every page and API operation:
never a 5xx; a value that is not well-formed text is refused with a 400 naming the parameter."""

import json

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from readiness.insights.engine import refresh_findings
from readiness.models import Finding
from tests.api.conftest import make_key
from tests.builders import active_checklist

NUL, INVALID_UTF8, HUGE = "a%00b", "%FF%FEx", "x" * 1_000_000
MALFORMED = {"nul": NUL, "invalid-utf8": INVALID_UTF8}

# Every page and the parameters it reads: (method, path template, parameters).
PAGES = [
    ("GET", "/", ["any"]),
    ("GET", "/clouds/cloud-a/", ["pillar", "area", "status", "owner", "overdue", "gating", "q"]),
    ("GET", "/items/{item}/", ["any"]),
    ("GET", "/items/{item}/history/", ["any"]),
    ("GET", "/my-items/", ["any"]),
    ("GET", "/risks/", ["state", "severity", "cloud", "rule"]),
    ("GET", "/dashboards/", ["kind", "stage"]),
    ("GET", "/dashboards/narrative.md", ["kind", "stage"]),
    ("GET", "/dashboards/items.csv", ["cloud", "kind", "stage"]),
    ("GET", "/dashboards/scores.csv", ["cloud", "kind", "stage"]),
    ("GET", "/dashboards/cloud-a/", ["any"]),
    ("GET", "/dashboards/cloud-a/narrative.md", ["any"]),
    ("GET", "/healthz", ["any"]),
    ("GET", "/operations/", ["any"]),
    ("GET", "/operations/clouds/cloud-a/", ["any"]),
    ("GET", "/operations/launches/", ["metric"]),
    ("POST", "/items/{item}/edit/", ["status", "owner", "due_date", "evidence_url", "notes", "na_justification",
                                     "version", "base_version", "next", "resolve_status"]),
    ("POST", "/clouds/cloud-a/bulk/", ["items", "status", "owner", "due_date", "na_justification", "next"]),
    ("POST", "/risks/{finding}/acknowledge/", ["note", "next"]),
    ("POST", "/accounts/login/", ["username", "password"]),
]


def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path, [p["name"] for p in op.get("parameters", []) if p["in"] == "query"] or ["any"])
            for path, methods in schema["paths"].items() for method, op in methods.items()]


PAGE_CASES = [(method, path, name) for method, path, names in PAGES for name in names]
API_CASES = [(method, path, name) for method, path, names in api_operations() for name in names]


@pytest.fixture
def targets(world):
    refresh_findings(None)
    item = active_checklist(world.cloud_a).items.get(requirement__code="PPL-01")
    finding = Finding.objects.filter(cloud=world.cloud_a).first()
    return {"item": item.pk, "finding": finding.pk, "id": item.pk, "slug": "cloud-a"}


def base_form(item) -> dict[str, str]:
    return {"status": "in_progress", "owner": "", "due_date": "", "evidence_url": "", "notes": "",
            "na_justification": "", "version": "1", "items": f"{item}:1", "note": "ok", "username": "admin",
            "password": "wrong"}


def send(client, method, path, name, raw_value, targets):
    """Send `raw_value` (already percent-encoded) as parameter `name`, in the query or the form body."""
    url = path.format(**targets)
    if method == "GET":
        return client.get(f"{url}?{name}={raw_value}")
    fields = {key: value for key, value in base_form(targets["item"]).items() if key != name}
    body = "&".join(f"{key}={value}" for key, value in fields.items()) + f"&{name}={raw_value}"
    return client.generic("POST", url, body.encode("ascii"), content_type="application/x-www-form-urlencoded",
                          HTTP_ACCEPT="application/json")


@pytest.fixture
def program_manager(world, settings):
    settings.REDIS_URL = None  # in-process mode: /healthz does not wait for a sweep that no beat runs here
    client = Client(raise_request_exception=False)
    client.force_login(world.pm_assigned)
    return client


@pytest.mark.parametrize("kind", sorted(MALFORMED))
@pytest.mark.parametrize(("method", "path", "name"), PAGE_CASES, ids=[f"{m} {p} {n}" for m, p, n in PAGE_CASES])
def test_pages_refuse_malformed_parameters_naming_them(program_manager, targets, method, path, name, kind):
    response = send(program_manager, method, path, name, MALFORMED[kind], targets)
    assert response.status_code == 400, response.status_code
    assert f"{name}: " in response.content.decode()


POST_CASES = [case for case in PAGE_CASES if case[0] == "POST"]
MULTIPART_MALFORMED = {"nul": b"a\x00b", "invalid-utf8": b"caf\xe9"}


@pytest.mark.parametrize("kind", sorted(MULTIPART_MALFORMED))
@pytest.mark.parametrize(("method", "path", "name"), POST_CASES, ids=[f"{m} {p} {n}" for m, p, n in POST_CASES])
def test_multipart_forms_refuse_malformed_fields_naming_them(program_manager, targets, method, path, name, kind):
    boundary = "fuzz-boundary"
    fields = {key: value.encode() for key, value in base_form(targets["item"]).items() if key != name}
    fields[name] = MULTIPART_MALFORMED[kind]
    body = b"".join(b"--" + boundary.encode() + b'\r\nContent-Disposition: form-data; name="' + key.encode()
                    + b'"\r\n\r\n' + value + b"\r\n" for key, value in fields.items())
    body += b"--" + boundary.encode() + b"--\r\n"
    response = program_manager.generic("POST", path.format(**targets), body,
                                       content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and f"{name}: " in response.content.decode()


@pytest.mark.parametrize(("method", "path", "name"), PAGE_CASES, ids=[f"{m} {p} {n}" for m, p, n in PAGE_CASES])
def test_pages_survive_a_megabyte_parameter(program_manager, targets, method, path, name):
    response = send(program_manager, method, path, name, HUGE, targets)
    assert response.status_code < 500


@pytest.fixture
def partner_tool(world):
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Api-Key {make_key(world.partner_a, 'fuzz')}")


@pytest.mark.parametrize("kind", sorted(MALFORMED))
@pytest.mark.parametrize(("method", "path", "name"), API_CASES, ids=[f"{m} {p} {n}" for m, p, n in API_CASES])
def test_api_refuses_malformed_parameters_naming_them(partner_tool, targets, method, path, name, kind):
    url = path.replace("{id}", str(targets["id"])).replace("{slug}", targets["slug"])
    response = partner_tool.generic(method, f"{url}?{name}={MALFORMED[kind]}", b"{}",
                                    content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert name in json.dumps(response.json())


@pytest.mark.parametrize(("method", "path", "name"), API_CASES, ids=[f"{m} {p} {n}" for m, p, n in API_CASES])
def test_api_survives_a_megabyte_parameter(partner_tool, targets, method, path, name):
    url = path.replace("{id}", str(targets["id"])).replace("{slug}", targets["slug"])
    response = partner_tool.generic(method, f"{url}?{name}={HUGE}", b"{}", content_type="application/json",
                                    HTTP_IF_MATCH='"1"')
    assert response.status_code < 500


@pytest.mark.parametrize("value", ["a\u0000b", "x" * 200_000, "\ud800"], ids=["nul", "long", "lone-surrogate"])
@pytest.mark.parametrize("field", ["notes", "evidence_url", "na_justification", "status", "due_date"])
def test_api_bodies_with_bad_strings_are_refused_naming_the_field(partner_tool, targets, field, value):
    body = json.dumps({field: value}).encode()
    response = partner_tool.patch(f"/api/v1/items/{targets['id']}/", body, content_type="application/json",
                                  HTTP_IF_MATCH='"1"')
    assert 400 <= response.status_code < 500
    if response.status_code == 400:
        assert field in json.dumps(response.json()) or "JSON" in response.json()["detail"]


def test_an_invalid_utf8_json_body_is_a_400(partner_tool, targets):
    response = partner_tool.patch(f"/api/v1/items/{targets['id']}/", b'{"notes": "\xff\xfe"}',
                                  content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
