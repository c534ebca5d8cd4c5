"""catalog-service builds with its defaults and serves the platform endpoints."""

from __future__ import annotations

import httpx

from catalog_service.bootstrap import build_app
from catalog_service.settings import Settings
from pasc_runtime.auth.testing import LocalIssuer, use_local_issuer

ISSUER = LocalIssuer()


def test_defaults_name_the_service_and_its_schema() -> None:
    settings = Settings()
    assert settings.service_name == "catalog-service"
    assert settings.db_schema.isidentifier()


async def test_platform_endpoints_are_served() -> None:
    app = build_app(Settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.get("/health")).status_code == 503  # not started: no broker, no DB
        assert "AsyncAPI" in (await client.get("/asyncapi")).text


async def test_imports_refuse_unreadable_bodies_before_touching_anything() -> None:
    app = build_app(Settings())
    use_local_issuer(app, ISSUER)
    officer = ISSUER.bearer("catalog-officer", audience="catalog-service")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://svc", headers=officer
    ) as client:
        no_author = await client.post("/v1/imports", content=b"x")
        assert no_author.status_code == 422
        assert no_author.json() == {
            "error_code": "422",
            "code": "missing_field",
            "message": "query.recorded_by: thiếu trường bắt buộc",
            "field": "query.recorded_by",
        }
        url = "/v1/imports?recorded_by=test"
        header = await client.post(
            url, content=b"ma_tthc\n1.001234\n", headers={"content-type": "text/csv"}
        )
        assert header.status_code == 400
        assert header.json()["code"] == "import_file_invalid"
        assert header.json()["message"].startswith("thiếu cột: ten_tthc, ma_linh_vuc,")
        xml = await client.post(url, content=b"<x/>", headers={"content-type": "application/xml"})
        assert xml.status_code == 415
        assert xml.json() == {
            "error_code": "415",
            "code": "import_media_type",
            "message": "content-type application/xml: kiểu nội dung không nhận;"
            " gửi text/csv hoặc application/json.",
            "field": "content-type",
        }
        bad_json = await client.post(
            url, content=b'{"rows": 3}', headers={"content-type": "application/json"}
        )
        assert bad_json.status_code == 400
        assert bad_json.json()["code"] == "import_file_invalid"
        assert bad_json.json()["message"] == 'JSON cần dạng {"rows": [{"ma_tthc": ..., ...}, ...]}.'


async def test_malformed_codes_are_refused_by_name() -> None:
    app = build_app(Settings())
    use_local_issuer(app, ISSUER)
    officer = ISSUER.bearer("catalog-officer", audience="catalog-service")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://svc", headers=officer
    ) as client:
        response = await client.get("/v1/procedures/not-a-code")
    assert response.status_code == 422
    assert response.json() == {
        "error_code": "422",
        "code": "invalid_field",
        "message": "path.ma_tthc: không đúng định dạng",
        "field": "path.ma_tthc",
    }
