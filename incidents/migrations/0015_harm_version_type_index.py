"""
An index of harms by version and harm type: related records count the harm
types shared with the most recently published versions from it alone, never
reading the harms' wide rows (incidents/related.py; bench/README.md,
"Publishing after related records").
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0014_list_entries"),
        ("taxonomy", "0002_web_url_field"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="harm",
            index=models.Index(fields=["version", "harm_type"], name="incidents_harm_version_type"),
        ),
    ]
