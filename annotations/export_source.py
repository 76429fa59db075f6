"""Where an export reads from, and how many stream at once.

The replica when one is configured, answers within the connect timeout and is no further
behind than the export allows; otherwise the primary (EXPORT_FALLBACK_TO_PRIMARY) or a
refusal with a time to retry. Each export says which it read and how fresh that was.
"""

import dataclasses
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

import psycopg
from django.conf import settings
from django.db import DatabaseError, connections
from django.http import StreamingHttpResponse

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# The COPY path reads with psycopg's own cursor, whose errors Django does not wrap.
DATABASE_ERRORS = (DatabaseError, psycopg.Error)

# The replica's lag: 0 when it has replayed all it received (an idle primary sends
# nothing, so the last replayed transaction may be old without the replica being behind).
_FRESHNESS = """
    SELECT pg_is_in_recovery(),
           CASE WHEN NOT pg_is_in_recovery()
                  OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
           END,
           now(), pg_last_xact_replay_timestamp()
"""


class ExportUnavailable(Exception):
    """No database may serve this export now; try again after `retry_after` seconds."""

    def __init__(self, message, retry_after=RETRY_AFTER_SECONDS):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Source:
    alias: str  # the DATABASES entry the export reads
    name: str  # "primary" or "replica"
    as_of: datetime | None = None  # every change up to this moment is in the export
    lag: float | None = None  # seconds the replica is behind the primary

    def headers(self):
        """Response headers that say what the export reflects."""
        headers = {"X-Export-Source": self.name}
        if self.as_of is not None:
            headers["X-Export-As-Of"] = self.as_of.isoformat().replace("+00:00", "Z")
        if self.lag is not None:
            headers["X-Export-Lag"] = f"{self.lag:.3f}"
        return headers


def choose(max_lag=None):
    """The Source an export reads now. Raise ExportUnavailable when the replica cannot
    serve it and falling back to the primary is off."""
    if settings.EXPORT_DATABASE == "default":
        return Source("default", "primary")
    try:
        lag, as_of = replica_freshness()
    except DatabaseError as error:
        log.warning("Export: the replica does not answer (%s)", error)
        return _fallback("the replica database does not answer")
    if max_lag is not None and lag > max_lag:
        return _fallback(f"the replica is {lag:.1f} s behind (max_lag={max_lag:g})")
    return Source(settings.EXPORT_DATABASE, "replica", as_of=as_of, lag=lag)


def replica_freshness():
    """(seconds behind, moment it reflects) of the export database; DatabaseError when it
    does not answer within the connect timeout."""
    with connections[settings.EXPORT_DATABASE].cursor() as cursor:
        cursor.execute(_FRESHNESS)
        in_recovery, lag, now, replayed = cursor.fetchone()
    lag = float(lag or 0)
    return lag, (now if not in_recovery or lag == 0 else replayed)


def _fallback(reason):
    if not settings.EXPORT_FALLBACK_TO_PRIMARY:
        connections[settings.EXPORT_DATABASE].close()
        raise ExportUnavailable(f"Exports are unavailable: {reason}. Try again later.")
    log.warning("Export: reading from the primary, as %s", reason)
    return Source("default", "primary")


class _Slots:
    """At most EXPORT_CONCURRENCY exports streaming at once in this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held = 0

    def take(self):
        with self._lock:
            if self._held >= settings.EXPORT_CONCURRENCY:
                raise ExportUnavailable(
                    f"{self._held} exports are already running on this server; "
                    "try again shortly.",
                    retry_after=5,
                )
            self._held += 1
        return _Slot(self)

    def release(self):
        with self._lock:
            self._held -= 1

    @property
    def held(self):
        return self._held


class _Slot:
    def __init__(self, slots):
        self._slots, self._open = slots, True

    def release(self):
        if self._open:
            self._open = False
            self._slots.release()


slots = _Slots()




class Streamed:
    """An export's chunks, holding its slot until the response is finished or closed (a
    client that goes away closes it, so the slot is never lost). `first`: a chunk read
    ahead, given before the rest."""

    def __init__(self, chunks, slot, first=None):
        self._slot = slot
        self._chunks = iter(chunks)
        self._first = [] if first is None else [first]

    def __iter__(self):
        return self

    def __next__(self):
        if self._first:
            return self._first.pop()
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def close(self):
        try:
            getattr(self._chunks, "close", lambda: None)()
        finally:
            self._slot.release()

    def __del__(self):
        self._slot.release()  # a response dropped without being closed


def open_export(filters, chunks_of):
    """(chunks, Source) of an export: a slot taken, its database chosen, and `chunks_of`
    (filters -> chunks of bytes) called with that database. Raise ExportUnavailable when
    there is no slot or no database to read.

    The first chunk is read here, before any answer is sent, so that a replica failing
    as the export starts (a restart, a query cancelled by recovery) moves it to the
    primary, or refuses it, instead of breaking it."""
    slot = slots.take()
    try:
        source = choose(filters.max_lag)
        try:
            first, chunks = _started(chunks_of, filters, source)
        except DATABASE_ERRORS as error:
            if source.name != "replica":
                raise
            log.warning("Export: the replica failed as the export started (%s)", error)
            connections[source.alias].close()
            source = _fallback("the replica failed as the export started")
            first, chunks = _started(chunks_of, filters, source)
    except BaseException:
        slot.release()
        raise
    return Streamed(chunks, slot, first), source


def _started(chunks_of, filters, source):
    """(first chunk or None, the rest): the query's start, and its errors, happen here."""
    chunks = _bounded(chunks_of(dataclasses.replace(filters, database=source.alias)),
                      source.alias)
    return next(chunks, None), chunks


def streamed_response(chunks, source, *, content_type, filename=None):
    """The HTTP answer of an open export: its chunks (an attachment when named), with the
    headers that say which database it read and how fresh that was."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    for name, value in source.headers().items():
        response[name] = value
    return response


def _bounded(chunks, alias):
    """Chunks read under EXPORT_STATEMENT_TIMEOUT: the primary's connection is bounded by
    the pages' shorter DATABASE_STATEMENT_TIMEOUT, restored afterwards."""
    connection = connections[alias]
    if alias != "default" or connection.vendor != "postgresql" or not settings.SERVING:
        yield from chunks
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false)",
                       [f"{settings.EXPORT_STATEMENT_TIMEOUT}s"])
    try:
        yield from chunks
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)",
                           [f"{settings.DATABASE_STATEMENT_TIMEOUT}s"])
