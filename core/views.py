"""The language switcher: Django's own view, and the choice remembered."""

from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from core.models import Preference

_LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@require_POST
def set_language(request):
    """Switch the interface language (Django's ``set_language``: cookie and
    redirect), and for a signed-in user also the language of the e-mails
    Dossier sends them (``core.Preference``): whoever reads the admin in
    French wants French e-mails, and there was no other way to say so."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in _LANGUAGE_CODES:
        Preference.objects.update_or_create(user=request.user, defaults={"language": language})
    return response
