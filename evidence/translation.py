# Translation options first, history second: registering history after the
# translated fields exist gives the history table its _en and _fr columns
# (simple-history #209).
import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Source


@register(Source)
class SourceTranslationOptions(TranslationOptions):
    fields = ("publisher",)
    required_languages = ("en",)


simple_history.register(Source, app="evidence")
