"""Security headers on HTML and API responses."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/api/docs/", "/tai-khoan/login/", "/healthz"])
def test_security_headers_present(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_csp_overrides_from_settings_are_applied(client, settings):
    settings.CSP_OVERRIDES = {"img-src": "'self' data: https://maps.example.gov.vn"}
    csp = client.get("/healthz").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://maps.example.gov.vn" in csp
    assert csp.count("img-src") == 1
    assert "script-src 'self'" in csp
