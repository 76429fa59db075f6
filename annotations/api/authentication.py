"""Token sign-ins remembered for a few seconds in each worker process.

A token request would otherwise read the token with its user, then the user's groups (the
roles `access` asks for), before any work: two queries of the three a label save makes.
Each process keeps what it read for ACCESS_CACHE_SECONDS. A change made in this process
(a token revoked, a user deactivated, a role or permission given or taken) forgets every
entry at once; another process goes on using what it read until its entry expires, so a
change reaches every worker within ACCESS_CACHE_SECONDS (0 turns the cache off).
"""

import copy
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from ..access import _groups

_entries = {}  # token key -> (monotonic expiry, user with its groups read)
_lock = threading.Lock()
MAX_ENTRIES = 10_000


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token sign-in, whose answer (the token's user and roles) a process keeps for
    ACCESS_CACHE_SECONDS."""

    def authenticate_credentials(self, key):
        seconds = settings.ACCESS_CACHE_SECONDS
        if seconds <= 0:
            return super().authenticate_credentials(key)
        entry = _entries.get(key)
        now = time.monotonic()
        if entry is None or entry[0] <= now:
            user, token = super().authenticate_credentials(key)  # raises for an inactive one
            _groups(user)  # read now, kept with the user
            with _lock:
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
                _entries[key] = (now + seconds, user, token)
            entry = _entries[key]
        # A copy a request: nothing one request notes on its user reaches another's.
        return copy.copy(entry[1]), entry[2]


def forget_all(**kwargs):
    with _lock:
        _entries.clear()


def connect_signals():
    """Forget every entry on any change to who holds a token, a role or a permission."""
    user_model = get_user_model()
    for model in (Token, user_model, Group, Permission):
        post_save.connect(forget_all, sender=model, dispatch_uid=f"access-cache-{model}")
        post_delete.connect(forget_all, sender=model, dispatch_uid=f"access-cache-d-{model}")
    for through in (user_model.groups.through, user_model.user_permissions.through,
                    Group.permissions.through):
        m2m_changed.connect(forget_all, sender=through, dispatch_uid=f"access-cache-{through}")
