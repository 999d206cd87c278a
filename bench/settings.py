"""Settings for the benchmark server: production settings (DEBUG off), the
bench URLconf (which adds a trivial view to compare against), plain static
files (no collectstatic needed) and quiet logs.

bench/run.py sets SECRET_KEY and DATABASE_URL before this module loads.
"""

from config.settings import *

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The server is reached over plain HTTP on the loopback interface.
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_USE_FINDERS = True
# Static files come from the source folders (finders); there is no collectstatic output.
STATIC_ROOT = None
LOGGING["root"]["level"] = "WARNING"
