"""The committed OpenAPI file (openapi.yaml) must match what the code generates.

When an API changes on purpose, regenerate it with `make openapi` and commit the result.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "openapi.yaml"


def generate(tmp_path: Path) -> str:
    out = tmp_path / "openapi.yaml"
    # --fail-on-warn: an endpoint drf-spectacular cannot describe is a bug, not a warning.
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn", "--lang", "vi")
    return out.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_committed_openapi_file_matches_the_code(tmp_path):
    generated = generate(tmp_path)
    committed = COMMITTED.read_text(encoding="utf-8")
    assert generated == committed, (
        "openapi.yaml is out of date with the code: run `make openapi` and commit the file."
    )


@pytest.mark.django_db
def test_schema_endpoint_serves_the_same_operations(client, tmp_path):
    import yaml

    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    served = response.json()
    assert set(served["paths"]) == set(committed["paths"])
    assert served["info"]["title"] == "Chính Quyền API"
