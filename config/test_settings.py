"""Settings for the test suite: production settings plus test conveniences."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from config.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Workflow e-mails are sent in the request, whatever TASKS_BACKEND says:
# tests read mail.outbox right after the transition.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Serve static files from the app and project folders, as in development:
# tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A file, not memory, for the SQLite test database: the live server that
# browser tests use would otherwise share one in-memory connection between
# its request threads (a page and its preview frames load at once), which
# SQLite's driver does not allow.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import tempfile

    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"dossier-test-{os.getpid()}.sqlite3"),
    }

# The data page's export is regenerated after every publication: in tests
# that would export the database after each one. Its tests turn it on.
DOSSIER_EXPORT_AUTOMATIC = False
DOSSIER_EXPORT_DIR = os.path.join(tempfile.gettempdir(), f"dossier-test-exports-{os.getpid()}")
