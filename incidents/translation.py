# Translation options first, history second: simple_history.register() copies
# the model's fields as they are now, so the _en and _fr columns must already
# exist (simple-history #209). Unique fields (public ids, keys) stay
# untranslated (simple-history #1299).
import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import (
    VERSION_PART_MODELS,
    ChecklistItem,
    Citation,
    EntityResponse,
    EntityRole,
    Harm,
    Jurisdiction,
    PolicyRecommendation,
    Record,
    RecordVersion,
)


@register(Record)
class RecordTranslationOptions(TranslationOptions):
    fields = ("withdrawal_reason",)


@register(RecordVersion)
class RecordVersionTranslationOptions(TranslationOptions):
    fields = RecordVersion.TRANSLATED_FIELDS
    required_languages = {"en": ("title", "summary", "narrative")}


@register(Harm)
class HarmTranslationOptions(TranslationOptions):
    fields = Harm.TRANSLATED_FIELDS
    required_languages = {"en": ("description",)}


@register(Citation)
class CitationTranslationOptions(TranslationOptions):
    fields = Citation.TRANSLATED_FIELDS
    required_languages = {"en": ("label", "corroborates")}


@register(PolicyRecommendation)
class PolicyRecommendationTranslationOptions(TranslationOptions):
    fields = PolicyRecommendation.TRANSLATED_FIELDS
    required_languages = {"en": ("text",)}


@register(EntityRole)
class EntityRoleTranslationOptions(TranslationOptions):
    fields = EntityRole.TRANSLATED_FIELDS


@register(EntityResponse)
class EntityResponseTranslationOptions(TranslationOptions):
    fields = EntityResponse.TRANSLATED_FIELDS
    required_languages = {"en": ("text",)}


@register(Jurisdiction)
class JurisdictionTranslationOptions(TranslationOptions):
    fields = Jurisdiction.TRANSLATED_FIELDS


@register(ChecklistItem)
class ChecklistItemTranslationOptions(TranslationOptions):
    fields = ChecklistItem.TRANSLATED_FIELDS
    required_languages = ("en", "fr")


for model in (Record, RecordVersion, *VERSION_PART_MODELS, ChecklistItem):
    simple_history.register(model)
