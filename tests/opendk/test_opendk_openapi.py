"""The simulator's answers (and our requests) against OpenDK's own OpenAPI spec, where the spec covers them.

The spec (Scribe-generated) documents a few statuses per endpoint; every status it documents that the
simulator can produce is checked here, shape and types. Known spec/code differences (OPENDK_API.md wins):
``POST /penduduk`` lists a top-level ``desa_id`` as required, but the code reads only ``hapus_penduduk``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from opendk_factory import DESA_ID, residents

from sid_connector.models import Desa
from sid_connector_opendk.packaging import build_zips

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "opendk" / "openapi.yaml"



@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():  # the reference lies beside the project, in CI too: never skip silently
        pytest.fail(f"OpenDK's OpenAPI description is missing: {SPEC_PATH}")
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def conforms(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """A small JSON-schema subset check (type, properties, items) — enough for Scribe's output."""
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind in checks and not checks[kind](value):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    problems: list[str] = []
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{where}.{name}: missing")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += conforms(value[name], sub, f"{where}.{name}")
    if kind == "array" and "items" in schema:
        for index, item in enumerate(value):
            problems += conforms(item, schema["items"], f"{where}[{index}]")
    return problems


def response_schema(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    responses = spec["paths"][path][method.lower()]["responses"]
    documented = responses.get(status) or responses.get(str(status))
    assert documented, f"{method} {path} {status} is not in the spec"
    return documented["content"]["application/json"]["schema"]


def request_content(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return spec["paths"][path][method.lower()]["requestBody"]["content"]


def test_sync_responses_conform(spec, sim, make_client) -> None:
    client = make_client()
    client.identitas_desa(Desa(kode_desa="5306132001", nama_desa="Senggigi", website="https://a.id", path="[]"))
    client.penduduk_storedata(next(build_zips(residents(10), DESA_ID)), DESA_ID)
    client.penduduk_hapus(DESA_ID, [1])
    checked = 0
    expected = {
        "/api/v1/identitas-desa": 200,
        "/api/v1/penduduk/storedata": 200,
        "/api/v1/penduduk": 200,
    }
    for record in sim.state.requests:
        assert record.status == expected[record.path]
    # Re-issue the same calls raw to see the bodies the simulator sends.
    headers = {
        "Authorization": f"Bearer {sim.state.saved_token}",
        "Accept": "application/json",
        "X-Requested-With": "XMLHttpRequest",
    }
    with httpx.Client(base_url=sim.base_url, headers=headers) as raw:
        answers = {
            "/api/v1/identitas-desa": raw.post(
                "/api/v1/identitas-desa", json={"kode_desa": DESA_ID, "sebutan_desa": "Desa", "path": "[]"}
            ),
            "/api/v1/penduduk/storedata": raw.post(
                "/api/v1/penduduk/storedata",
                files={"file": ("p.zip", next(build_zips(residents(3), DESA_ID)).data, "application/zip")},
            ),
            "/api/v1/penduduk": raw.post(
                "/api/v1/penduduk", json={"hapus_penduduk": [{"desa_id": DESA_ID, "id_pend_desa": 2, "foto": None}]}
            ),
        }
        answers_401 = raw.get("/api/v1/test", headers={"Authorization": "Bearer invalid"})
    for path, response in answers.items():
        schema = response_schema(spec, "POST", path, response.status_code)
        assert conforms(response.json(), schema) == [], path
        example = schema.get("example", {})
        assert response.json() == example, f"{path}: simulator body differs from the spec's example"
        checked += 1
    schema = response_schema(spec, "GET", "/api/v1/test", 401)
    assert conforms(answers_401.json(), schema) == []
    assert answers_401.json() == schema["example"]
    assert checked == 3


def test_our_requests_use_the_documented_content_types(spec, sim, make_client) -> None:
    client = make_client()
    client.identitas_desa(Desa(kode_desa="5306132001", nama_desa="Senggigi", path="[]"))
    client.penduduk_storedata(next(build_zips(residents(2), DESA_ID)), DESA_ID)
    client.penduduk_hapus(DESA_ID, [1])
    sent = {r.path: r.content_type for r in sim.state.requests}
    for path, content_type in sent.items():
        assert content_type in request_content(spec, "POST", path), path


def test_delete_body_matches_spec_item_description(spec) -> None:
    """The spec describes each ``hapus_penduduk`` item as ``id_pend_desa`` (int), ``foto``, ``desa_id``."""
    schema = request_content(spec, "POST", "/api/v1/penduduk")["application/json"]["schema"]
    description = schema["properties"]["hapus_penduduk"]["description"]
    for field in ("id_pend_desa", "foto", "desa_id"):
        assert field in description
