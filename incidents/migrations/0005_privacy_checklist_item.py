"""
A default checklist item on privacy: reviewers are asked whether the version
says more about private individuals than the public interest requires.

It goes to the **neutrality** checklist. The factuality check asks whether
what the record says is true and sourced; a victim's home address, a
bystander's name or an employee's phone number can be all three and still
have no place in a public record. Whether to publish what is true about a
person is an editorial judgement about how people are presented, the same
kind as the neutrality items' (claims about actors attributed, no loaded
language, our assessment kept apart from reported facts): it is the
neutrality reviewer's question. The review screen points at likely personal
data (``incidents/publishing/privacy.py``) for them to judge.

It is asked last of the neutrality items (the highest order of that check,
plus one): the items about how actors and claims are presented come first,
then this one about who should not be named or located at all. Existing
items keep their order; publishers can move it in the admin.

Forwards adds the item once: not when an item with the same English text is
already there (a publisher may have added it by hand), and, after a reversal
that only deactivated it, by making it active again. Like migration 0003,
it writes the item's first history row itself (migration models send no
history signals), with the change reason "Default checklist".

Backwards removes exactly the item this migration added (found by that first
history row), and only if no sign-off answered it; an answered item is kept,
as past sign-offs refer to it, and made inactive instead, so that reviewers
are no longer asked it. Either way a history row records it.
"""

from django.db import migrations
from django.utils import timezone

CHECK = "neutrality"
TEXT_EN = (
    "No personal data about private individuals (victims, bystanders, employees) beyond what the public interest "
    "requires."
)
TEXT_FR = (
    "Aucun renseignement personnel sur des particuliers (victimes, témoins, membres du personnel) au-delà de ce "
    "qu’exige l’intérêt public."
)
# The reason of the first history row of every default item (0003 too).
ADDED_REASON = "Default checklist"
REVERSED_REASON = "Default checklist: migration 0005 reversed"


def _history(apps, item, history_type, reason):
    HistoricalChecklistItem = apps.get_model("incidents", "HistoricalChecklistItem")
    HistoricalChecklistItem.objects.create(
        id=item.pk,
        check_type=item.check_type,
        text=item.text,
        text_en=item.text_en,
        text_fr=item.text_fr,
        order=item.order,
        active=item.active,
        history_date=timezone.now(),
        history_type=history_type,
        history_change_reason=reason,
    )


def added_item(apps):
    """The item this migration added, if it is still there."""
    ChecklistItem = apps.get_model("incidents", "ChecklistItem")
    HistoricalChecklistItem = apps.get_model("incidents", "HistoricalChecklistItem")
    created = HistoricalChecklistItem.objects.filter(
        history_type="+", history_change_reason=ADDED_REASON, check_type=CHECK, text_en=TEXT_EN
    ).order_by("-history_date", "-history_id")
    for row in created:
        item = ChecklistItem.objects.filter(pk=row.id).first()
        if item is not None:
            return item
    return None


def add_privacy_item(apps, schema_editor):
    ChecklistItem = apps.get_model("incidents", "ChecklistItem")
    HistoricalChecklistItem = apps.get_model("incidents", "HistoricalChecklistItem")
    item = added_item(apps)
    if item is not None:
        latest = HistoricalChecklistItem.objects.filter(id=item.pk).order_by("-history_date", "-history_id").first()
        if not item.active and latest is not None and latest.history_change_reason == REVERSED_REASON:
            item.active = True
            item.save(update_fields=["active"])
            _history(apps, item, "~", ADDED_REASON)
        return
    if ChecklistItem.objects.filter(text_en=TEXT_EN).exists():
        return
    last = ChecklistItem.objects.filter(check_type=CHECK).order_by("-order").values_list("order", flat=True).first()
    item = ChecklistItem.objects.create(
        check_type=CHECK, text=TEXT_EN, text_en=TEXT_EN, text_fr=TEXT_FR, order=(last or 0) + 1, active=True
    )
    _history(apps, item, "+", ADDED_REASON)


def remove_privacy_item(apps, schema_editor):
    SignOffAnswer = apps.get_model("incidents", "SignOffAnswer")
    item = added_item(apps)
    if item is None:
        return
    if SignOffAnswer.objects.filter(item_id=item.pk).exists():
        if item.active:
            item.active = False
            item.save(update_fields=["active"])
            _history(apps, item, "~", REVERSED_REASON)
        return
    _history(apps, item, "-", REVERSED_REASON)
    item.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_search_columns_by_trigger"),
    ]

    operations = [
        migrations.RunPython(add_privacy_item, remove_privacy_item),
    ]
