"""What /healthz reports: the primary database on every call; the replica and the shared
cache at most once every HEALTH_RECHECK_SECONDS per process, in a thread of their own, so
that a load balancer's frequent checks cost one query and never wait on a replica that
hangs (its check takes the connect timeout)."""

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
    """A check's last answer ("unknown" before the first), renewed in the background once
    it is HEALTH_RECHECK_SECONDS old. The first call waits up to FIRST_WAIT seconds."""

    FIRST_WAIT = 0.5

    def __init__(self, check):
        self.check, self.lock = check, threading.Lock()
        self.answer, self.at, self.running = "unknown", float("-inf"), None

    def __call__(self):
        with self.lock:
            if self.running is None and time.monotonic() - self.at >= HEALTH_RECHECK_SECONDS:
                self.running = threading.Thread(target=self._renew, daemon=True)
                self.running.start()
            running, first = self.running, self.at == float("-inf")
        if running is not None and first:
            running.join(self.FIRST_WAIT)
        return self.answer

    def _renew(self):
        try:
            answer = self.check()
        finally:
            connections.close_all()  # this thread's own connections
        with self.lock:
            self.answer, self.at, self.running = answer, time.monotonic(), None

    def forget(self):
        """Check afresh at the next call (tests)."""
        with self.lock:
            if self.running is not None:
                self.running.join()
            self.answer, self.at, self.running = "unknown", float("-inf"), None


def _replica():
    """"none" (no replica configured), "ok" or "down"."""
    if settings.EXPORT_DATABASE == "default":
        return "none"
    try:
        export_source.replica_freshness()
    except DatabaseError:
        log.warning("Health check: the replica does not answer", exc_info=True)
        return "down"
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
    degraded = "down" in (parts["replica"], parts["cache"])
    return {"status": "degraded" if degraded else "ok", **parts}, 200
