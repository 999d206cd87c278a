"""
The editorial admin at /admin/ (not language-prefixed; it follows the user's
language: Accept-Language or the language switcher in its header).

- versions.py: the one-page version editor and the workflow buttons;
- records.py: records (identity), their versions and workflow events;
- reference.py: sources, entities, taxonomies and terms, with the rule that
  only publishers change a row the public already sees;
- forms.py: the forms and formsets behind the version editor;
- review.py: the review screen of a version and its sign-off forms;
- checklists.py: the reviewers' checklists (publishers edit them);
- redaction.py: redaction requests and their decision by a second person;
- methodology.py: the methodology pages (publishers write them).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import checklists, methodology, records, redaction, reference, versions  # noqa: F401  (registers the admins)

admin.site.site_header = _("Dossier administration")
admin.site.site_title = _("Dossier administration")
admin.site.index_title = _("Records, versions and reference data")
