"""Throttle counts added to the shared cache in batches (annotations.limits.hit with a
limit): exact under BATCH_SHARE events a window, and past a limit by less than a hundredth
of it per process."""

import pytest
from django.core.cache import cache

from annotations import limits

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_throttle_window")]


def shared(name, period=60):
    window = int(limits.time.time() // period)
    return cache.get(f"{name}:{period}:{window}", 0)


def test_a_small_limit_is_counted_one_event_at_a_time():
    counts = [limits.hit("t:small", 60, 150)[0] for _ in range(5)]
    assert counts == [1, 2, 3, 4, 5]
    assert shared("t:small") == 5


def test_a_large_limit_is_added_to_the_shared_count_a_batch_at_a_time():
    counts = [limits.hit("t:large", 60, 1000)[0] for _ in range(25)]
    assert counts == list(range(1, 26))  # this process counts every event it sees
    assert shared("t:large") == 20  # two batches of 10 added; 5 held


def test_processes_holding_events_pass_a_limit_by_less_than_a_batch_each(monkeypatch):
    limit, batch = 1000, 10
    allowed = 0
    first, second = {}, {}  # what each of two processes holds
    for turn in range(3000):
        monkeypatch.setattr(limits, "_held", first if turn % 3 == 0 else second)
        count, _ = limits.hit("t:two", 60, limit)
        allowed += count <= limit
    assert limit <= allowed < limit + 2 * batch
    assert shared("t:two") > limit


def test_the_throttle_passes_its_limit_to_the_count(settings, monkeypatch):
    seen = []
    monkeypatch.setattr(limits, "hit", lambda key, period, limit=None: (
        seen.append(limit) or (1, 60)))
    from tests.factories import api, make_user

    api(make_user(role="reviewer")).get("/api/articles/")
    assert seen == [100000]  # THROTTLE_USER_RATE of the suite: 100000/minute
