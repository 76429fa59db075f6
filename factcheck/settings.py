"""Settings for the fact-check workbench, read from the environment.

A `.env` file beside manage.py is read first (`make run` writes one for local use; set
ENV_FILE to read another, or to nothing to read none); variables already set in the
environment win.
"""

import ipaddress
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
if env_file := os.environ.get("ENV_FILE", str(BASE_DIR / ".env")):
    load_dotenv(env_file)


def envbool(name, default):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envrate(name, default):
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name} must be a number per second, minute, hour or day (e.g. 600/minute), "
            f"not {value!r}"
        )
    return value


def envnetworks(name, default):
    networks = envlist(name, default)
    for network in set(networks) - {"*"}:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list addresses or networks (or *), not {network!r}"
            ) from None
    return networks


DEBUG = envbool("DEBUG", False)
# A run on this machine, as `make run` writes it to .env: plain HTTP on 127.0.0.1, static
# files read from the source tree, and the site's own error pages (DEBUG shows Django's,
# whose 404 lists every URL). Never in production: cookies would travel unencrypted.
LOCAL = envbool("LOCAL", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or LOCAL else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "factcheck.apps.AdminConfig",  # Django's admin, with the dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (staff may upload more in the admin), before anything reads
    # the body: the CSRF check reads a form only in its process_view, after this.
    "annotations.middleware.RequestLimits",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins (pages, admin and /api/token/): after AXES_FAILURE_LIMIT of
    # them a username is locked out from that address (only) for AXES_COOLOFF_TIME, and
    # an address past LOGIN_ADDRESS_RATE failures is slowed (annotations.limits).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "annotations.limits.SignInHandler"
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
# User and address together: a wrong password typed ten times locks no one out of their
# own account elsewhere, and many usernames tried from one address lock out no one else.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An attempt refused while locked out or slowed is not counted as another failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False  # no banner on every command and worker start
# django-axes would read the address through django-ipware, which is not installed (its
# AXES_IPWARE_* settings do nothing without it): the same function as the throttles.
AXES_CLIENT_IP_CALLABLE = "annotations.limits.client_address"
AXES_LOCKOUT_CALLABLE = "annotations.views.locked_out"
AXES_USERNAME_CALLABLE = "annotations.access.sign_in_name"
# Failed sign-ins one address may make (any usernames) before it is slowed: refused until
# the rate's period ends.
LOGIN_ADDRESS_RATE = envrate("LOGIN_ADDRESS_RATE", "10/minute")
# Proxies in front that append to X-Forwarded-For, and the addresses trusted to be one
# (FORWARDED_ALLOW_IPS, read by gunicorn too): how the client's address is found.
PROXY_COUNT = envint("PROXY_COUNT", 0)
FORWARDED_ALLOW_IPS = envnetworks("FORWARDED_ALLOW_IPS", ["127.0.0.1"])

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annotations.context_processors.roles",
            ],
        },
    },
]

SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
# Seconds to wait for a database to answer a new connection: a host that drops packets
# fails the request (or moves an export to the primary) instead of holding a thread.
DATABASE_CONNECT_TIMEOUT = envint("DATABASE_CONNECT_TIMEOUT", 5)
# Seconds a statement may run. The web server's connections (wsgi.py sets FACTCHECK_WEB)
# bound pages and the API by DATABASE_STATEMENT_TIMEOUT and exports by their own longer
# EXPORT_STATEMENT_TIMEOUT; commands run unbounded (0), as a long import or rebuild must.
SERVING = envbool("FACTCHECK_WEB", False)
DATABASE_STATEMENT_TIMEOUT = envint("DATABASE_STATEMENT_TIMEOUT", 30) if SERVING else 0
EXPORT_STATEMENT_TIMEOUT = envint("EXPORT_STATEMENT_TIMEOUT", 3600) if SERVING else 0


def database(url, *, conn_max_age, statement_timeout):
    """A DATABASES entry from a URL: the URL's own OPTIONS (?sslmode=, ?connect_timeout=,
    ?options=) kept, the project's added where the URL is silent, in a dict of its own."""
    entry = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    options = dict(entry.get("OPTIONS", {}))
    if entry["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a health check that costs no round trip (factcheck/postgresql).
        entry["ENGINE"] = "factcheck.postgresql"
        options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        # JIT compiling costs up to half a second on the wide export and dashboard queries
        # and gains nothing on their plans. The URL's own -c settings come last and win.
        server = f"-c jit=off -c statement_timeout={statement_timeout * 1000}"
        options["options"] = f"{server} {options.get('options', '')}".strip()
    entry["OPTIONS"] = options
    return entry


DATABASES = {
    # A connection the database dropped (a restart, a failover) is replaced at the next
    # request instead of failing it (conn_health_checks).
    "default": database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        statement_timeout=DATABASE_STATEMENT_TIMEOUT,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a reviewer's save writes; IMMEDIATE takes the write
    # lock at BEGIN so that two writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: the browser tests' live server answers requests in threads of
    # its own, and an in-memory database would be one connection shared between them.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# Exports may read from a streaming replica, sparing the primary their long queries. Each
# export connects afresh (CONN_MAX_AGE 0), so that a replica that went down or hung since
# the last one fails within the connect timeout (export_source.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **database(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=0,
            statement_timeout=EXPORT_STATEMENT_TIMEOUT,
        ),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["factcheck.routers.PrimaryReplicaRouter"]
EXPORT_DATABASE = "replica" if "replica" in DATABASES else "default"
# When the replica does not answer within the connect timeout, or is further behind than
# an export's max_lag, the export reads from the primary (true) or is refused with a 503
# and Retry-After (false).
EXPORT_FALLBACK_TO_PRIMARY = envbool("EXPORT_FALLBACK_TO_PRIMARY", True)
# Exports streaming at once in one server process; more wait for a 503 with Retry-After,
# so that exports never hold the threads that pages and saves need (GUNICORN_THREADS).
EXPORT_CONCURRENCY = envint("EXPORT_CONCURRENCY", 2)

# Throttles and every other counter live in a cache that every worker and every server
# shares: the database's by default (its table is made by `migrate`), Redis when
# REDIS_URL is set. A per-process memory cache would let each worker count on its own.
DATABASE_CACHE_TABLE = "django_cache"
if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
            # A Redis that hangs costs a request at most this long (annotations/limits.py).
            "OPTIONS": {
                "socket_connect_timeout": envint("REDIS_TIMEOUT", 1),
                "socket_timeout": envint("REDIS_TIMEOUT", 1),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "annotations.cache.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
            # Expired counters are deleted when the table passes this many rows; live ones
            # are never culled before it.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# While the shared cache does not answer, limits are off; a worker asks again after this.
CACHE_RETRY_SECONDS = envint("CACHE_RETRY_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or LOCAL)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic: WhiteNoise finds the files where they are and sees them change.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or LOCAL

# Seconds each worker process keeps a token's user and roles (annotations.api.authentication):
# a revoked token or a role taken away reaches every worker within this time.
ACCESS_CACHE_SECONDS = envint("ACCESS_CACHE_SECONDS", 5)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes unauthenticated calls a 401.
        "annotations.api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.PageNumberPagination",
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "annotations.api.negotiation.ContentNegotiation",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
    # Exports take ?format=jsonl|csv|json: DRF must not read it as a renderer choice.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per signed-in user (or token), and per address for everyone else (callers refused
    # for want of a sign-in are counted by the exception handler); token requests per
    # address. Counted in the shared cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "annotations.api.throttles.UserRateThrottle",
        "annotations.api.throttles.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": envrate("THROTTLE_USER_RATE", "600/minute"),
        "anon": envrate("THROTTLE_ANON_RATE", "60/minute"),
        "token": envrate("THROTTLE_TOKEN_RATE", "10/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check workbench API",
    "DESCRIPTION": (
        "Label news sentences as verified, disputed or unclear; export the labeled data. "
        "Scripts authenticate with `Authorization: Token <key>` (from `POST /api/token/`)."
    ),
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI's assets come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"LabelEnum": "annotations.models.Label"},
}

# The fact-checking organisation named as author of published ClaimReview records.
PUBLISHER_NAME = os.environ.get("PUBLISHER_NAME", "Fact-check workbench")

# Largest article body accepted, in bytes of UTF-8.
ARTICLE_MAX_BYTES = envint("ARTICLE_MAX_BYTES", 1_000_000)
# Importing a web page by URL (annotations/fetching.py): seconds for the whole fetch,
# largest page in bytes, and whether private, loopback and link-local addresses may be
# fetched. Leave that last one off on a server: it would let any importer make the server
# request its own network. It is for a run on this machine and for the tests.
URL_IMPORT_TIMEOUT = envint("URL_IMPORT_TIMEOUT", 20)
URL_IMPORT_MAX_BYTES = envint("URL_IMPORT_MAX_BYTES", 5_000_000)
URL_IMPORT_ALLOW_PRIVATE = envbool("URL_IMPORT_ALLOW_PRIVATE", False)

# Largest request body: an article's JSON may escape its text to several times its size.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("REQUEST_MAX_BYTES", 8 * ARTICLE_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Largest upload a signed-in staff member may send to the admin (a file of articles on
# its import page); everyone else, everywhere, is held to REQUEST_MAX_BYTES.
STAFF_UPLOAD_MAX_BYTES = max(
    envint("STAFF_UPLOAD_MAX_BYTES", 50 * ARTICLE_MAX_BYTES), DATA_UPLOAD_MAX_MEMORY_SIZE
)

if not (DEBUG or LOCAL):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    if not SECURE_SSL_REDIRECT:
        # Said on purpose: the proxy in front redirects HTTP to HTTPS (docs/deploy.md).
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"
    SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
