import pytest
from django.core.management import call_command

from annotations.api.rows import AnnotationRow, SentenceRow, SkipRow
from annotations.exporting import ExportFilters, export_query

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_and_documents_every_endpoint(client, alice, tmp_path):
    client.force_login(alice)
    response = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/token/", "/api/projects/", "/api/articles/", "/api/articles/{id}/",
        "/api/sentences/{id}/annotation/", "/api/annotations/",
        "/api/export/annotations/", "/api/export/sentences/",
    ]:
        assert path in paths
    export_params = {p["name"] for p in paths["/api/export/sentences/"]["get"]["parameters"]}
    assert export_params >= {
        "format", "project", "article", "label", "reviewer", "updated_since", "has_verdict",
        "split", "language", "anonymize",
    }
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")


def test_docs_page_serves_its_assets_locally(client, alice):
    client.force_login(alice)
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_schema_is_not_for_anonymous(client):
    assert client.get("/api/schema/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("kind", "row"),
    [("annotations", AnnotationRow), ("sentences", SentenceRow), ("skips", SkipRow)],
)
def test_documented_row_fields_are_the_exported_columns(kind, row):
    _, columns = export_query(kind, ExportFilters())
    assert list(row().fields) == list(columns)
