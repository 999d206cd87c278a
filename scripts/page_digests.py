#!/usr/bin/env python
"""
Prints a digest of a few public pages read from DATABASE_URL, one line per
page: status, SHA-256 of the body, the number of record links it holds, the
path. Two databases that hold the same content print the same lines; used by
scripts/ci-backup-restore to compare a database with its restored backup.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier .venv/bin/python scripts/page_digests.py

Pages: the home page, the first published record (in both languages), the
list with a search in each language (the French one typed without accents,
so it goes through the french_unaccent configuration) and the Atom feeds.
"""

import hashlib
import os
import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

RECORD_LINK = re.compile(rb'href="/(?:en|fr)/(?:incidents|hazards)/(?:INC|HAZ)-\d+/"')


def main():
    # Production settings, DEBUG off, read with Django's test client.
    os.environ.pop("DEBUG", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from incidents.models import Record

    setup_test_environment()
    record = Record.objects.published().order_by("public_id").first()
    if record is None:
        sys.exit("no published record in this database")
    paths = [
        "/en/",
        "/fr/",
        f"/en/incidents/{record.public_id}/",
        f"/fr/incidents/{record.public_id}/",
        "/en/incidents/?q=deepfake",
        "/fr/incidents/?q=hypertrucage",
        "/fr/incidents/?q=coree",
        "/en/feeds/records.atom",
        "/fr/feeds/records.atom",
    ]
    client = Client()
    for path in paths:
        response = client.get(path, follow=False)
        body = response.content
        links = len(set(RECORD_LINK.findall(body)))
        sys.stdout.write(f"{response.status_code} {hashlib.sha256(body).hexdigest()[:16]} {links} {path}\n")


if __name__ == "__main__":
    main()
