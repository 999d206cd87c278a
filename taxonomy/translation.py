# Translation options first, history second (simple-history #209).
import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Entity, Taxonomy, Term, TermMapping


@register(Taxonomy)
class TaxonomyTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Term)
class TermTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Entity)
class EntityTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


for model in (Taxonomy, Term, TermMapping, Entity):
    simple_history.register(model, app="taxonomy")
