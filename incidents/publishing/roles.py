"""
The three editorial roles as permission groups.

Created after every ``migrate`` (post_migrate) and by ``manage.py setup_roles``;
both are idempotent and reset each group to exactly these permissions.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import transaction
from django.utils.translation import gettext_noop

from incidents import rules
from incidents.models import VERSION_PART_MODELS

# The names are stored in English; gettext_noop puts them in the catalogue,
# which the admin reads to show them in French (core/auth_names.py).
EDITORS = gettext_noop("Editors")
REVIEWERS = gettext_noop("Reviewers")
PUBLISHERS = gettext_noop("Publishers")

# Every part of a version: the version editor shows each as an inline, and an
# inline the user has no permission for is silently hidden.
_PARTS = [model._meta.model_name for model in VERSION_PART_MODELS]
_REFERENCE = ["evidence.source", "taxonomy.entity", "taxonomy.term", "taxonomy.termmapping", "taxonomy.taxonomy"]
_LOGINS = ["axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"]
_ALL_VIEWABLE = (
    [
        "incidents.record",
        "incidents.recordversion",
        "incidents.signoff",
        "incidents.signoffanswer",
        "incidents.workflowevent",
        "incidents.checklistitem",
        "incidents.redaction",
        "pages.page",
    ]
    + [f"incidents.{part}" for part in _PARTS]
    + _REFERENCE
)


def _perms(actions, models):
    return [f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models for action in actions]


ROLE_PERMISSIONS = {
    # Editors write drafts and their parts, and add new reference rows;
    # changing a reference row the public already sees is for publishers
    # (rules.may_change_reference, which the admin asks per row).
    EDITORS: _perms(["view"], _ALL_VIEWABLE)
    + _perms(["add", "change"], ["incidents.record", "incidents.recordversion"])
    + _perms(["add", "change", "delete"], [f"incidents.{part}" for part in _PARTS])
    + _perms(["add", "change"], ["evidence.source", "taxonomy.entity", "taxonomy.term", "taxonomy.termmapping"])
    + [rules.SUBMIT_VERSION]
    # Reports from the public: editors triage them and promote them to drafts.
    + [rules.VIEW_REPORT, rules.TRIAGE_REPORT],
    # Reviewers also decide on redactions a publisher requested.
    REVIEWERS: [*_perms(["view"], _ALL_VIEWABLE), rules.SIGN_OFF_VERSION, rules.DECIDE_REDACTION],
    # Publishers also set the reviewers' checklists: what "reviewed" means
    # is decided by whoever answers for what goes public.
    PUBLISHERS: _perms(["view"], _ALL_VIEWABLE)
    + _perms(["add", "change"], _REFERENCE)
    + _perms(["add", "change"], ["incidents.checklistitem"])
    # The methodology pages: public when saved, so publishers' (rules.py).
    + [rules.ADD_METHODOLOGY, rules.EDIT_METHODOLOGY]
    + [rules.PUBLISH_VERSION, rules.WITHDRAW_RECORD, rules.REQUEST_REDACTION, rules.DECIDE_REDACTION]
    # Login throttling, in django-axes' own admin: they read the attempts and
    # logs, and unlock a username or address by deleting its attempts.
    + _perms(["view"], _LOGINS)
    + _perms(["delete"], ["axes.accessattempt"]),
}


def ensure_role_groups(using="default"):
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    for app_label in ("evidence", "taxonomy", "incidents", "intake", "axes"):
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using)
    with transaction.atomic(using=using):
        for name, codenames in ROLE_PERMISSIONS.items():
            group, _created = Group.objects.using(using).get_or_create(name=name)
            wanted = []
            for dotted in codenames:
                app_label, codename = dotted.split(".")
                wanted.append(Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename))
            group.permissions.set(wanted)
