"""Group and permission names in the admin user's language.

Both are rows in the database, named in English once (the role groups by
``incidents/publishing/roles.py``, the permissions by ``migrate``), and
Django prints them as stored wherever it names them: the user and group
pages' selectors, the list filters, the history. Their ``__str__`` is
replaced here (``CoreConfig.ready``) so that every one of those places reads
the catalogue: a group whose name is in it (the role groups' are marked
with ``gettext_noop``), a permission declared with a translatable name in a
model's ``Meta.permissions``, and Django's own "Can add …" names, rebuilt
from the model's translated verbose name.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext

_DEFAULT_ACTIONS = {
    # Translators: a permission's name; %(model)s is a model's name (“term”).
    "add": lambda model: gettext("Can add %(model)s") % {"model": model},
    # Translators: a permission's name; %(model)s is a model's name (“term”).
    "change": lambda model: gettext("Can change %(model)s") % {"model": model},
    # Translators: a permission's name; %(model)s is a model's name (“term”).
    "delete": lambda model: gettext("Can delete %(model)s") % {"model": model},
    # Translators: a permission's name; %(model)s is a model's name (“term”).
    "view": lambda model: gettext("Can view %(model)s") % {"model": model},
}


def group_name(group) -> str:
    return gettext(group.name)


def permission_name(permission) -> str:
    """The permission's name in the active language, when we know it."""
    model = permission.content_type.model_class()
    if model is not None:
        action, _sep, model_name = permission.codename.partition("_")
        default = f"Can {action} {model._meta.verbose_name_raw}"
        if model_name == model._meta.model_name and action in _DEFAULT_ACTIONS and permission.name == default:
            return _DEFAULT_ACTIONS[action](model._meta.verbose_name)
    return gettext(permission.name)


def _group_str(self):
    return group_name(self)


def _permission_str(self):
    return f"{self.content_type} | {permission_name(self)}"


def install():
    Group.__str__ = _group_str
    Permission.__str__ = _permission_str
