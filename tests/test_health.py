import pytest


@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    # no heartbeat yet in a fresh database: reported, but the node stays healthy
    assert body["checks"]["worker"] == "stale"
    assert (
        "no-cache" in response.headers["Cache-Control"]
        or "max-age=0" in response.headers["Cache-Control"]
    )


@pytest.mark.django_db
def test_healthz_reports_a_broken_cache(client, monkeypatch):
    from django.core.cache.backends.dummy import DummyCache

    from chinhquyen import health

    # A cache that silently stores nothing, as a dead Redis behind a tolerant client would.
    monkeypatch.setattr(health, "cache", DummyCache("dead", {}))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "fail"


def test_healthz_rejects_post(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_sees_a_live_worker(client):
    from chinhquyen.jobs.tasks import heartbeat

    heartbeat.enqueue()  # the test settings run tasks immediately
    assert client.get("/healthz").json()["checks"]["worker"] == "ok"
