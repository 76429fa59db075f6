"""What /healthz reports: the primary database on every call; the replica and the shared
cache at most once every HEALTH_RECHECK_SECONDS per process, so that a load balancer's
frequent checks cost one query."""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections
from redis.exceptions import RedisError

from . import export_source

log = logging.getLogger(__name__)

HEALTH_RECHECK_SECONDS = 5


def primary():
    """"ok" or "down" (the error goes to the log: the answer is public)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.exception("Health check: the database does not answer")
        return "down"
    return "ok"


class _Recent:
    """A check's last answer, kept for HEALTH_RECHECK_SECONDS."""

    def __init__(self, check):
        self.check, self.lock = check, threading.Lock()
        self.answer, self.at = None, float("-inf")

    def __call__(self):
        with self.lock:
            if time.monotonic() - self.at >= HEALTH_RECHECK_SECONDS:
                self.answer, self.at = self.check(), time.monotonic()
            return self.answer

    def forget(self):
        with self.lock:
            self.at = float("-inf")


def _replica():
    """"none" (no replica configured), "ok" or "down"."""
    if settings.EXPORT_DATABASE == "default":
        return "none"
    try:
        export_source.replica_freshness()
    except DatabaseError:
        log.warning("Health check: the replica does not answer", exc_info=True)
        return "down"
    finally:
        connections[settings.EXPORT_DATABASE].close()
    return "ok"


def _cache():
    """"ok" or "down" for the shared cache (throttles fail open while it is down)."""
    try:
        cache.get("healthz")
    except (RedisError, DatabaseError):
        log.warning("Health check: the shared cache does not answer", exc_info=True)
        return "down"
    return "ok"


replica = _Recent(_replica)
shared_cache = _Recent(_cache)


def report():
    """(answer, HTTP status): 200 while the primary answers, whatever else is down (a
    load balancer keeps the server: pages and saves work); 503 when it does not."""
    if primary() == "down":
        return {"status": "error", "database": "down"}, 503
    parts = {"database": "ok", "replica": replica(), "cache": shared_cache()}
    degraded = parts["replica"] == "down" or parts["cache"] == "down"
    return {"status": "degraded" if degraded else "ok", **parts}, 200
