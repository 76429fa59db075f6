"""API throttles, counted in the shared cache (annotations.limits) rather than in each
worker's memory, by client address as the lockout reads it."""

from rest_framework import throttling

from .. import limits


class RateThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle, counted with one atomic increment a request. DRF's own keeps
    a list of request times that each request reads and writes back whole: workers racing
    each other overwrite one another's hits."""

    def get_ident(self, request):
        return limits.client_address(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        hits, self.seconds_left = limits.hit(self.key, self.duration, self.num_requests)
        return hits <= self.num_requests

    def wait(self):
        return self.seconds_left

    def parse_rate(self, rate):
        return limits.parse_rate(rate) if rate else (None, None)


class UserRateThrottle(RateThrottle):
    """Per signed-in user (a token is its user's): THROTTLE_USER_RATE."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return f"throttle:{self.scope}:{request.user.pk}"


class AnonRateThrottle(RateThrottle):
    """Per client address, for callers without a sign-in: THROTTLE_ANON_RATE."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return f"throttle:{self.scope}:{self.get_ident(request)}"


class TokenRateThrottle(RateThrottle):
    """Token requests (a username and password each) per client address:
    THROTTLE_TOKEN_RATE."""

    scope = "token"

    def get_cache_key(self, request, view):
        return f"throttle:{self.scope}:{self.get_ident(request)}"
