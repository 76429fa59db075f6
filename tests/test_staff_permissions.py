"""One rule for staff, in the admin and the API alike: staff status opens the admin's door;
each power needs its Django permission (add_project, add_article, export_dataset,
view_annotation for the figures); roles come from the groups; superusers hold everything."""

import json

import pytest
from django.contrib.auth.models import Permission

from annotations.annotating import save_annotation
from tests.factories import api, make_article, make_project, make_user

pytestmark = pytest.mark.django_db

POWERS = ["add_project", "add_article", "export_dataset", "view_annotation", "view_article"]


def granted(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="annotations", codename__in=codenames
    ))
    return user


@pytest.fixture
def bare_staff(db):
    """Staff status and nothing else: no permission, no group."""
    return make_user("sam", is_staff=True)


@pytest.fixture
def editor(db):
    """Staff holding the desk's permissions, with no role and in no project."""
    return granted(make_user("eddie", is_staff=True), *POWERS)


@pytest.fixture
def closed():
    """A labeled article of a project with one member, who is neither of the staff above."""
    article = make_article("A closed claim.", project=make_project(
        "closed", members=[make_user("member", role="reviewer")]
    ))
    save_annotation(sentence=article.sentences.get(), reviewer=article.project.members.get(),
                    label="disputed", note="member's note")
    return article


class TestStaffWithoutPermissions:
    def test_creates_no_project(self, bare_staff):
        response = api(bare_staff).post("/api/projects/", {"name": "New", "slug": "new"})
        assert response.status_code == 403
        assert "annotations.add_project" in response.json()["detail"]

    def test_imports_nothing(self, bare_staff, closed):
        response = api(bare_staff).post("/api/articles/", {"body": "X.", "project": "closed"})
        assert response.status_code == 403

    @pytest.mark.parametrize("kind", ["annotations", "sentences", "claimreview"])
    def test_exports_nothing(self, bare_staff, closed, kind):
        assert api(bare_staff).get(f"/api/export/{kind}/").status_code == 403

    def test_reads_no_figures(self, client, bare_staff, closed):
        assert api(bare_staff).get("/api/stats/").status_code == 403
        client.force_login(bare_staff)
        assert client.get("/admin/dashboard/").status_code == 403

    def test_holds_no_role(self, client, bare_staff, closed):
        sentence = closed.sentences.get()
        assert api(bare_staff).get(f"/api/articles/{closed.pk}/").status_code == 403
        assert api(bare_staff).get("/api/annotations/").status_code == 403
        verdict = {"label": "verified"}
        url = f"/api/sentences/{sentence.pk}/verdict/"
        assert api(bare_staff).put(url, verdict, format="json").status_code == 403
        client.force_login(bare_staff)
        assert client.get(f"/articles/{closed.pk}/").status_code == 403
        assert client.get("/adjudicate/").status_code == 403

    def test_admin_shows_neither_dashboard_nor_import(self, client, bare_staff):
        client.force_login(bare_staff)
        html = client.get("/admin/").content.decode()
        assert "/admin/dashboard/" not in html
        assert "/admin/annotations/article/import/" not in html
        assert client.get("/admin/annotations/article/import/").status_code == 403


class TestStaffWithPermissions:
    def test_creates_a_project(self, editor):
        response = api(editor).post("/api/projects/", {"name": "New", "slug": "new"})
        assert response.status_code == 201

    def test_imports_and_sees_what_they_imported(self, editor, closed):
        response = api(editor).post("/api/articles/", {"body": "A new claim.", "project": "closed"})
        assert response.status_code == 201
        assert response.json()["sentences"][0]["text"] == "A new claim."

    def test_reads_the_figures(self, client, editor, closed):
        assert api(editor).get("/api/stats/").json()["totals"]["annotations"] == 1
        client.force_login(editor)
        assert client.get("/admin/dashboard/").status_code == 200
        html = client.get("/admin/").content.decode()
        assert 'href="/admin/dashboard/"' in html
        assert 'href="/admin/annotations/article/import/"' in html

    def test_exports_only_the_projects_open_to_them(self, editor, closed):
        make_article("An open claim.")
        response = api(editor).get("/api/export/sentences/")
        rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
        assert [row["text"] for row in rows] == ["An open claim."]


class TestAdminExportAction:
    def post(self, client, user, *articles):
        client.force_login(user)
        return client.post("/admin/annotations/article/", {
            "action": "export_sentences", "_selected_action": [a.pk for a in articles],
        })

    def test_is_refused_without_the_export_permission(self, client, closed):
        viewer = granted(make_user("viewer", is_staff=True), "view_article")
        response = self.post(client, viewer, closed)
        assert not response.streaming
        assert b"export_sentences" not in response.content  # not even offered

    def test_keeps_to_the_projects_open_to_the_exporter(self, client, editor, closed):
        open_article = make_article("An open claim.")
        response = self.post(client, editor, closed, open_article)
        rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
        assert [row["article_id"] for row in rows] == [open_article.pk]


def test_superuser_keeps_every_power(client, staff, closed):
    assert api(staff).post("/api/projects/", {"name": "N", "slug": "n"}).status_code == 201
    assert api(staff).get("/api/stats/").status_code == 200
    assert api(staff).get(f"/api/articles/{closed.pk}/").status_code == 200
    rows = api(staff).get("/api/annotations/").json()["results"]
    assert [row["note"] for row in rows] == ["member's note"]
