"""The client's address, behind as many trusted proxies as configured, and
a rate limit per address."""

from django.conf import settings
from ninja.throttling import AnonRateThrottle


def client_ip(request):
    """The address of the client that sent ``request``.

    With ``DOSSIER_TRUSTED_PROXIES = 0`` (the default) it is ``REMOTE_ADDR``,
    whatever ``X-Forwarded-For`` says: anyone can send that header. Behind N
    trusted proxies, each appending the address it received the request from,
    the last N entries of the header are theirs, and the client is the one the
    farthest trusted proxy saw: the N-th entry from the right. Entries to its
    left came from the client itself and are ignored. If the header holds
    fewer entries than expected (a proxy did not append), the leftmost is the
    best there is.

    Used by django-axes (``AXES_CLIENT_IP_CALLABLE``) and the security log.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.DOSSIER_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-trusted] if len(hops) >= trusted else hops[0]


class ClientRateLimit(AnonRateThrottle):
    """At most the rate named by the setting ``setting`` ("120/min", "5/hour")
    per client address (``client_ip``), counted in the cache (Redis in
    production, so every worker counts together). django-ninja's throttle,
    which ``wait()`` turns into a ``Retry-After``.

    Used by the JSON API (``api.http.RateLimit``) and the report form
    (``intake.views``); each names its own ``scope``, so they count apart."""

    setting = ""

    def __init__(self):
        super().__init__(rate=getattr(settings, self.setting))

    def allow_request(self, request):
        # The setting is read per request, so that a test or an operator can change it.
        rate = getattr(settings, self.setting)
        if self.rate != rate:
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request):
        return client_ip(request) or "unknown"
