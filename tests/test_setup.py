import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from annotations.models import Article

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], capture_output=True, text=True, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "ENV_FILE": "", **env},
    )


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    done = run_manage("check", env={"DEBUG": "false", "SQLITE_PATH": str(tmp_path / "db")})
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr


def test_development_settings_start_without_a_secret_key(tmp_path):
    done = run_manage("check", env={"DEBUG": "true", "SQLITE_PATH": str(tmp_path / "db")})
    assert done.returncode == 0, done.stderr


def test_bad_boolean_setting_is_a_clear_error(tmp_path):
    done = run_manage("check", env={"DEBUG": "perhaps", "SECRET_KEY": "x"})
    assert "DEBUG must be true or false, not 'perhaps'" in done.stderr


@pytest.mark.django_db
def test_setup_demo_loads_the_article_and_accounts_once(capsys):
    call_command("setup_demo")
    first = capsys.readouterr().out
    call_command("setup_demo")
    second = capsys.readouterr().out

    article = Article.objects.get(project__slug="demo")
    assert article.sentences.count() == 14
    assert "passwords shown only once" in first and "reviewer1" in first
    assert "already there" in second and "exist already" in second
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_demo_accounts_have_their_roles(django_user_model):
    call_command("setup_demo")
    roles = {
        user.username: (user.is_staff, sorted(user.groups.values_list("name", flat=True)))
        for user in django_user_model.objects.all()
    }
    assert roles == {
        "admin": (True, []),
        "reviewer1": (False, ["reviewer"]),
        "reviewer2": (False, ["reviewer"]),
        "adjudicator": (False, ["adjudicator"]),
    }


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_admin_shows_an_article_with_its_sentences(client, staff):
    call_command("setup_demo")
    client.force_login(staff)
    article = Article.objects.get()
    response = client.get(f"/admin/annotations/article/{article.pk}/change/")
    assert response.status_code == 200
    assert response.content.decode().count('class="field-text"') == 14
    for page in ("project", "article", "sentence", "annotation", "verdict"):
        assert client.get(f"/admin/annotations/{page}/").status_code == 200
