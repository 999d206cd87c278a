"""Text normalised on the way in, in one place for every model.

A character that XML 1.0 cannot carry, pasted once into a title, would break
both Atom feeds (Django's feed writer refuses it), and a lone surrogate or a
NUL cannot even be stored by PostgreSQL. So every text field of every model
is cleaned when the model is saved (``connect()``, from ``CoreConfig.ready``),
whoever writes it: the admin, a shell, the demo or an importer.

- Vertical tab, form feed and the four information separators (U+001C to
  U+001F) separate words: they become a space.
- The other C0 controls (tab, line feed and carriage return excepted), lone
  surrogates and the non-characters U+FFFE and U+FFFF are removed.

``QuerySet.update()`` and ``bulk_create()`` skip ``save()`` and so this
cleaning; the project never uses the first on content (it would also bypass
history), and an importer that uses the second calls ``clean_text`` itself.
The feeds clean their text once more (``incidents/public/feeds.py``), for a
row that reached the database some other way.
"""

import re

from django.db import models
from django.db.models.signals import pre_save

_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1f]")
_REMOVED = re.compile("[\x00-\x08\x0e-\x1b\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` without the characters XML 1.0 and PostgreSQL cannot carry."""
    return _REMOVED.sub("", _SEPARATORS.sub(" ", value))


_text_fields: dict[type, tuple[str, ...]] = {}


def _text_attnames(model) -> tuple[str, ...]:
    # Computed once per model: CharField covers its subclasses (e-mail, URL,
    # slug), and django-modeltranslation's title_en/title_fr are fields too.
    if model not in _text_fields:
        _text_fields[model] = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField))
        )
    return _text_fields[model]


def clean_instance_text(sender, instance, **kwargs):
    for attname in _text_attnames(sender):
        value = getattr(instance, attname)
        if isinstance(value, str):
            cleaned = clean_text(value)
            if cleaned != value:
                setattr(instance, attname, cleaned)


def connect():
    # No sender: every model, ours and the libraries' (a user agent stored by
    # django-axes can carry control characters as well).
    pre_save.connect(clean_instance_text, dispatch_uid="core.text.clean_instance_text")
