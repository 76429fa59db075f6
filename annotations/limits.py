"""Limits on how often a client may do something, counted in the cache every worker and
server shares (settings.CACHES: the database's by default, Redis with REDIS_URL).

While Redis does not answer (a restart, a network fault), the limits fail open: nothing is
counted and everything is allowed, logged once per CACHE_RETRY_SECONDS, which is also how
long a worker waits before asking Redis again. Sign-ins, saves and pages go on; the
lockout's records are in the database and hold throughout.
"""

import ipaddress
import logging
import math
import threading
import time
from time import monotonic  # tests hold `time` still; this clock runs on

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.utils import timezone
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """"600/minute" -> (600, 60): how many in how many seconds (the format of DRF's rates;
    the period's first letter is what counts)."""
    try:
        number, period = rate.split("/")
        return int(number), PERIODS[period.strip()[0]]
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(
            f"a rate is a number per second, minute, hour or day, e.g. 600/minute; not {rate!r}"
        ) from None


def client_address(request):
    """The address of the client making `request`, as the lockout and the throttles read it.

    Without proxies (PROXY_COUNT=0) it is the peer's address. Behind PROXY_COUNT proxies,
    each appending the address it took the request from to X-Forwarded-For, it is the
    PROXY_COUNT-th address from the right of that header, when the request came from a
    trusted proxy (FORWARDED_ALLOW_IPS, as for gunicorn); anything further left is what
    the client sent, and a request straight from elsewhere could have sent all of it.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    hops = settings.PROXY_COUNT
    if not hops or not _is_trusted_proxy(peer):
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return peer
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return peer


def _is_trusted_proxy(address):
    trusted = settings.FORWARDED_ALLOW_IPS
    if "*" in trusted:
        return True
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in trusted)


# A process may keep up to this share of a limit's events to itself before adding them to
# the shared count in one increment: a limit of 600 a minute is counted 6 at a time, 1,000,000
# a minute 10,000 at a time, and any limit under 200 one at a time, exactly.
BATCH_SHARE = 100
_held = {}  # key -> [shared count last seen, events held, window's end]
_held_lock = threading.Lock()


def hit(name, period, limit=None):
    """Count one event under `name` in the current window of `period` seconds; return
    (events so far in the window, seconds until it ends); 0 events while the cache is away.

    Windows are fixed (aligned to the epoch, so that every server agrees on them) and the
    count is one atomic increment, so a limit holds however many workers count at once.
    Across a window's end a burst may reach twice the limit within one period.

    Given the `limit` the count is checked against, a process holds back up to
    1/BATCH_SHARE of it and adds the events it held in one increment: the limit can then be
    passed by up to that much per worker process (by 5% with 5 workers), for a shared
    count touched a hundred times less often.
    """
    now = time.time()
    window = int(now // period)
    key = f"{name}:{period}:{window}"
    left = (window + 1) * period - now
    batch = (limit or 0) // BATCH_SHARE
    if batch <= 1:
        return _unless_away(lambda: _add(key, 1, left), 0), left
    with _held_lock:
        held = _held.get(key)
        if held is None:
            if len(_held) >= 10_000:  # windows that have ended
                for old in [k for k, v in _held.items() if v[2] <= now]:
                    del _held[old]
            held = _held[key] = [0, 0, now + left]
        if held[1] + 1 < batch:
            held[1] += 1
            return held[0] + held[1], left
        events, held[1] = held[1] + 1, 0
    total = _unless_away(lambda: _add(key, events, left), 0)
    with _held_lock:
        held[0] = max(held[0], total)
    return total, left


def _add(key, events, left):
    try:
        return cache.incr(key, events)
    except ValueError:  # the window's first event
        if cache.add(key, events, timeout=math.ceil(left) + 1):
            return events
        return cache.incr(key, events)  # another worker's add came first


def count(name, period):
    """(events counted under `name` in the current window, seconds until it ends),
    without adding one."""
    now = time.time()
    window = int(now // period)
    key = f"{name}:{period}:{window}"
    return _unless_away(lambda: cache.get(key, 0), 0), (window + 1) * period - now


class _Away:
    until = 0.0  # monotonic() before which the cache is not asked


def _unless_away(call, fallback):
    """call(), or `fallback` while the shared cache does not answer."""
    if monotonic() < _Away.until:
        return fallback
    try:
        return call()
    except RedisError as error:
        _Away.until = monotonic() + settings.CACHE_RETRY_SECONDS
        log.warning(
            "The shared cache does not answer (%s): limits are off for %d s.",
            error, settings.CACHE_RETRY_SECONDS,
        )
        return fallback


class SignInHandler(AxesDatabaseHandler):
    """django-axes' handler, which locks a username out from one address after
    AXES_FAILURE_LIMIT failures (AXES_LOCKOUT_PARAMETERS: user and address together), plus
    a throttle on failed sign-ins per address: past LOGIN_ADDRESS_RATE, sign-ins from that
    address are refused until the rate's window ends (a minute by default). Someone trying
    many usernames from one address is slowed; the people behind the same address (one
    newsroom, one proxy) wait at most that long and are never locked out.

    A refused attempt is not counted as a failure (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_
    LOCKOUT off), so a person waiting out a slowed address loses no attempts. Sets
    `request.sign_in_wait` (seconds) when it refuses and `request.sign_in_attempts_left`
    after a failure, for the sign-in page, the token endpoint and the lockout answer.
    """

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            request.sign_in_wait = self._cool_off_left(request, credentials)
            request.sign_in_refusal = "user"
            return True
        failures, left = count(*_address_failures(request))
        if failures >= parse_rate(settings.LOGIN_ADDRESS_RATE)[0]:
            request.sign_in_wait = math.ceil(left)
            request.sign_in_refusal = "address"
            return True
        return False

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        refused = getattr(request, "axes_locked_out", False)  # before the password check
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused:
            return
        hit(*_address_failures(request))
        failures = request.axes_failures_since_start or 0
        request.sign_in_attempts_left = max(settings.AXES_FAILURE_LIMIT - failures, 0)
        if request.axes_locked_out:  # that was the last attempt
            request.sign_in_wait = self._cool_off_left(request, credentials)
            request.sign_in_refusal = "user"

    def _cool_off_left(self, request, credentials):
        """Seconds until this user may try again from this address."""
        lasts = [
            attempts.aggregate(last=Max("attempt_time"))["last"]
            for attempts in self.get_user_attempts(request, credentials)
        ]
        ends = max(filter(None, lasts), default=timezone.now()) + get_cool_off(request)
        return max(math.ceil((ends - timezone.now()).total_seconds()), 1)


def sign_in_refusal(request):
    """(what to tell the person, seconds to wait) for a sign-in SignInHandler refused."""
    wait = getattr(request, "sign_in_wait", 60)
    if getattr(request, "sign_in_refusal", "user") == "address":
        return f"Too many failed sign-ins from your network: try again in {_duration(wait)}.", wait
    return (
        "Too many failed sign-ins for this account from your address: try again in "
        f"{_duration(wait)}, or ask an admin to unlock it."
    ), wait


def _duration(seconds):
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} minutes"


def _address_failures(request):
    return f"sign-in-failures:{client_address(request)}", parse_rate(settings.LOGIN_ADDRESS_RATE)[1]
