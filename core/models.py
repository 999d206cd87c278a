from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.i18n import labelled


class Preference(models.Model):
    """What a staff member prefers: for now, the language of the e-mails
    Dossier sends them (each recipient reads them in their own language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference", verbose_name=_("user")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self):
        return labelled(self.user, self.get_language_display())


def language_of(user) -> str:
    """The language to write to this user in."""
    # A user without a preference row raises RelatedObjectDoesNotExist, an
    # AttributeError, which getattr() turns into None.
    preference = getattr(user, "preference", None)
    return preference.language if preference else settings.LANGUAGE_CODE
