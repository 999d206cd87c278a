import gc
import os

from django.core.wsgi import get_wsgi_application

from config.serving import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

require_secret_key()

# What a worker loaded at start (Django, the apps, the translation
# catalogues: about 150,000 objects) lives as long as the process. Frozen,
# it is left out of the garbage collector's full collections, which walked
# it all: on the version editor's large page (bench/README.md, "Admin at
# scale") one request in eight took a full collection of 200-330 ms; it
# is about 100 ms with these objects frozen. Nothing else changes.
gc.collect()
gc.freeze()
