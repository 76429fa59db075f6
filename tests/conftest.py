import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from annotations.access import ADJUDICATOR_GROUP, REVIEWER_GROUP
from tests.factories import assert_no_drift, make_user

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, a `replica` database (a mirror of the test database) that tests of
    the export's replica faults point where they need (tests/test_resilience.py). Exports
    read it only in those tests (EXPORT_DATABASE stays "default")."""
    from django.db import connections

    default = connections.settings["default"]
    if default["ENGINE"] == "factcheck.postgresql":
        connections.settings["replica"] = {
            **default,
            "OPTIONS": {**default["OPTIONS"], "connect_timeout": 2},
            "CONN_MAX_AGE": 0,
            "TEST": {**default["TEST"], "MIRROR": "default"},
        }


@pytest.fixture(scope="session", autouse=True)
def plain_http_and_static_files():
    """Tests run with production settings, served over plain HTTP, with static files
    found in the source tree rather than collected into a manifest."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # speed
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture
def reviewer(db):
    """Rita, a reviewer: the one the browser tests sign in as (tests.test_browser.sign_in)."""
    return make_user("rita", role="reviewer")


@pytest.fixture
def alice(db):
    """A reviewer: labels sentences of open projects; sees only her own labels."""
    return make_user("alice", role=REVIEWER_GROUP)


@pytest.fixture
def bob(db):
    """Another reviewer: must never see or change alice's work."""
    return make_user("bob", role=REVIEWER_GROUP)


@pytest.fixture
def judy(db):
    """An adjudicator: sees every label and every project, sets verdicts."""
    return make_user("judy", role=ADJUDICATOR_GROUP)


@pytest.fixture
def staff(db):
    """An admin: everything, including import, export and the dashboard."""
    return make_user("staff", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Signed in but holding no role: sees nothing."""
    return make_user("outsider")


@pytest.fixture
def no_drift(db):
    """Ends the test with `rebuild_counts --check`: for the tests of concurrent saves and of
    the admin, where a write around the services would leave the counts wrong."""
    yield
    assert_no_drift()


@pytest.fixture
def role_groups(db):
    return {name: Group.objects.get(name=name) for name in (REVIEWER_GROUP, ADJUDICATOR_GROUP)}


# Browser tests: Debian's Chromium, never a downloaded browser build.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM):
        return
    browser_tests = [item for item in items if "browser" in item.keywords]
    if browser_tests and os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM} for the browser tests.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    for item in browser_tests:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def no_remembered_tokens(monkeypatch):
    """Each test starts with no token sign-in remembered (annotations.api.authentication)
    and no throttle hits held back from the shared count (annotations.limits)."""
    from annotations import limits
    from annotations.api.authentication import forget_all

    forget_all()
    monkeypatch.setattr(limits, "_held", {})


@pytest.fixture
def one_throttle_window(monkeypatch):
    """Throttles count requests in windows of the clock (annotations.limits.hit), and a
    window's first request also creates its counter: hold the clock at the start of the
    hour, so that a test's requests all fall in one window whatever the time."""
    import time
    from types import SimpleNamespace

    from annotations import limits

    start = time.time() // 3600 * 3600
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: start))
