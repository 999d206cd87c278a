"""
Reviewed means pinned (incidents/pins.py): each part of a version records
the state of the shared reference row it shows (a history record), and pages
of versions out of draft show the rows in that state.

Versions already out of draft are pinned to their rows' current states: the
best record there is of what their reviewers saw. (A bulk update without
history rows: the pins are new bookkeeping of the workflow, not an edit of
content.) Drafts stay unpinned until they are submitted.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max

# part model: [(path to the reference row's id, pin field, history model)]
PINS = {
    "harm": [
        ("harm_type_id", "harm_type_state_id", ("taxonomy", "historicalterm")),
        ("harm_type__taxonomy_id", "harm_type_taxonomy_state_id", ("taxonomy", "historicaltaxonomy")),
    ],
    "citation": [("source_id", "source_state_id", ("evidence", "historicalsource"))],
    "policyrecommendation": [
        ("authority_id", "authority_state_id", ("taxonomy", "historicalentity")),
        ("source_id", "source_state_id", ("evidence", "historicalsource")),
    ],
    "entityrole": [("entity_id", "entity_state_id", ("taxonomy", "historicalentity"))],
    "classification": [
        ("term_id", "term_state_id", ("taxonomy", "historicalterm")),
        ("term__taxonomy_id", "taxonomy_state_id", ("taxonomy", "historicaltaxonomy")),
    ],
}
EDITABLE = ("draft", "changes_requested")


def pin_versions_out_of_draft(apps, schema_editor):
    for model_name, pins in PINS.items():
        part_model = apps.get_model("incidents", model_name)
        parts = part_model.objects.exclude(version__status__in=EDITABLE)
        for path, pin_field, history in pins:
            history_model = apps.get_model(*history)
            latest = dict(history_model.objects.values("id").annotate(top=Max("history_id")).values_list("id", "top"))
            for pk, row_id in parts.exclude(**{f"{path}__isnull": True}).values_list("pk", path):
                if row_id in latest:
                    part_model.objects.filter(pk=pk).update(**{pin_field: latest[row_id]})


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("incidents", "0005_privacy_checklist_item"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="source_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="evidence.historicalsource",
                verbose_name="source as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="classification",
            name="taxonomy_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.historicaltaxonomy",
                verbose_name="taxonomy as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="classification",
            name="term_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.historicalterm",
                verbose_name="term as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="entityrole",
            name="entity_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.historicalentity",
                verbose_name="entity as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="harm",
            name="harm_type_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.historicalterm",
                verbose_name="harm type as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="harm",
            name="harm_type_taxonomy_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.historicaltaxonomy",
                verbose_name="harm type's taxonomy as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="source_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="evidence.historicalsource",
                verbose_name="source as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalclassification",
            name="taxonomy_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="taxonomy.historicaltaxonomy",
                verbose_name="taxonomy as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalclassification",
            name="term_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="taxonomy.historicalterm",
                verbose_name="term as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalentityrole",
            name="entity_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="taxonomy.historicalentity",
                verbose_name="entity as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalharm",
            name="harm_type_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="taxonomy.historicalterm",
                verbose_name="harm type as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalharm",
            name="harm_type_taxonomy_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="taxonomy.historicaltaxonomy",
                verbose_name="harm type's taxonomy as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalpolicyrecommendation",
            name="authority_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="taxonomy.historicalentity",
                verbose_name="authority as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="historicalpolicyrecommendation",
            name="source_state",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="evidence.historicalsource",
                verbose_name="source as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="policyrecommendation",
            name="authority_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.historicalentity",
                verbose_name="authority as reviewed",
            ),
        ),
        migrations.AddField(
            model_name="policyrecommendation",
            name="source_state",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="evidence.historicalsource",
                verbose_name="source as reviewed",
            ),
        ),
        migrations.AlterField(
            model_name="workflowevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("revision_started", "Revision started"),
                    ("submitted", "Submitted for review"),
                    ("returned_to_draft", "Returned to draft"),
                    ("signed_off", "Signed off"),
                    ("changes_requested", "Changes requested"),
                    ("published", "Published"),
                    ("withdrawn", "Withdrawn"),
                    ("review_restarted", "Review restarted (reference data changed)"),
                ],
                max_length=30,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(pin_versions_out_of_draft, migrations.RunPython.noop),
    ]
