# Translation options first, history second (simple-history #209).
import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Page


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = Page.TRANSLATED_FIELDS
    required_languages = {"en": ("title", "body"), "fr": ("title", "body")}


simple_history.register(Page, app="pages")
