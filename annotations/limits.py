"""Limits on how often a client may do something, counted in the cache every worker and
server shares (settings.CACHES: the database's by default, Redis with REDIS_URL)."""

import math
import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

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
    """The address of the client making `request`."""
    return request.META.get("REMOTE_ADDR", "")


def hit(name, period):
    """Count one event under `name` in the current window of `period` seconds; return
    (events so far in the window, seconds until it ends).

    Windows are fixed (aligned to the epoch, so that every server agrees on them) and the
    count is one atomic increment, so a limit holds however many workers count at once.
    Across a window's end a burst may reach twice the limit within one period.
    """
    now = time.time()
    window = int(now // period)
    key = f"{name}:{period}:{window}"
    left = (window + 1) * period - now
    try:
        return cache.incr(key), left
    except ValueError:  # the window's first event
        if cache.add(key, 1, timeout=math.ceil(left) + 1):
            return 1, left
        return cache.incr(key), left  # another worker's add came first


def count(name, period):
    """Events counted under `name` in the current window, without adding one."""
    window = int(time.time() // period)
    return cache.get(f"{name}:{period}:{window}", 0)
