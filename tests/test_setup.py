import json
import re
import secrets
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


def make_run_env_file(tmp_path):
    """The .env `make run` writes, from the Makefile's own recipe."""
    recipe = re.search(r"^\.env:\n\t@printf '([^']*)'", (ROOT / "Makefile").read_text(), re.M)
    env_file = tmp_path / ".env"
    env_file.write_text(recipe[1].replace("\\n", "\n") % secrets.token_urlsafe(50))
    return env_file


# Requests as the browser sends them to `make run`, through the whole stack.
SERVE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
client = Client(HTTP_HOST="127.0.0.1:8000", raise_request_exception=False)
answers = {"DEBUG": settings.DEBUG}
with override_settings(ROOT_URLCONF="tests.error_urls"):
    for path in ("/no/such/page/", "/test/forbidden/", "/test/broken/", "/accounts/login/",
                 "/favicon.ico", "/static/favicon.svg"):
        response = client.get(path)
        answers[path] = {
            "status": response.status_code,
            "html": "" if response.streaming else response.content.decode(),
            "location": response.get("Location"),
            "secure_cookies": [name for name, c in response.cookies.items() if c["secure"]],
        }
print(json.dumps(answers))
"""


def test_make_run_serves_the_sites_error_pages_over_plain_http(tmp_path):
    """`make run` must not show Django's debug pages (a 404 lists every URL), and works
    on http://127.0.0.1:8000/ without collectstatic."""
    env_file = make_run_env_file(tmp_path)
    assert "DEBUG" not in env_file.read_text()
    done = subprocess.run(
        [sys.executable, "-c", SERVE], capture_output=True, text=True, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "ENV_FILE": str(env_file),
             "DJANGO_SETTINGS_MODULE": "factcheck.settings",
             "SQLITE_PATH": str(tmp_path / "db.sqlite3")},
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert answers["DEBUG"] is False
    for path, status, heading in [("/no/such/page/", 404, "Page not found"),
                                  ("/test/forbidden/", 403, "Not allowed"),
                                  ("/test/broken/", 500, "Something went wrong")]:
        answer = answers[path]
        assert answer["status"] == status
        assert f"<h1>{heading}</h1>" in answer["html"]
        assert "URLconf" not in answer["html"] and "Traceback" not in answer["html"]
    sign_in = answers["/accounts/login/"]
    assert sign_in["status"] == 200 and sign_in["secure_cookies"] == []  # no HTTPS here
    assert answers["/favicon.ico"]["location"] == "/static/favicon.svg"
    assert answers["/static/favicon.svg"]["status"] == 200


def test_bad_boolean_setting_is_a_clear_error(tmp_path):
    done = run_manage("check", env={"DEBUG": "perhaps", "SECRET_KEY": "x"})
    assert "DEBUG must be true or false, not 'perhaps'" in done.stderr


@pytest.mark.django_db
def test_setup_demo_loads_the_article_and_accounts_once(capsys):
    call_command("setup_demo")
    first = capsys.readouterr().out
    call_command("setup_demo")
    second = capsys.readouterr().out

    article, follow_up = Article.objects.filter(project__slug="demo").order_by("pk")
    assert article.sentences.count() == 14
    assert "passwords shown only once" in first and "reviewer1" in first
    assert "already there" in second and "exist already" in second
    assert Article.objects.count() == 2
    # The second repeats five claims of the first, which carry verdicts.
    assert article.sentences.filter(verdict__isnull=False).count() == 5
    assert follow_up.checked_before == 5
    assert "(9 sentences, 5 checked before)" in first


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
    assert response.json() == {"status": "ok", "database": "ok", "replica": "none", "cache": "ok"}


@pytest.mark.django_db
def test_admin_shows_an_article_with_its_sentences(client, staff):
    call_command("setup_demo")
    client.force_login(staff)
    article = Article.objects.order_by("pk").first()
    response = client.get(f"/admin/annotations/article/{article.pk}/change/")
    assert response.status_code == 200
    assert response.content.decode().count('class="field-text"') == 14
    for page in ("project", "article", "sentence", "annotation", "verdict"):
        assert client.get(f"/admin/annotations/{page}/").status_code == 200
