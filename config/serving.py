from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """Refuse to serve without a secret key: sessions, CSRF tokens and
    password-reset links are signed with it."""
    try:
        key = settings.SECRET_KEY  # Django raises if it is empty
    except ImproperlyConfigured:
        key = ""
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=..., or DEBUG=1 for local development)."
        )
