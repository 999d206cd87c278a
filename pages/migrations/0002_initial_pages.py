from django.db import migrations

from pages.defaults import create_missing


def create_pages(apps, schema_editor):
    create_missing(apps.get_model("pages", "Page"), apps.get_model("pages", "HistoricalPage"))


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_methodology_pages")]

    # Kept on reversal: the pages may have been edited since.
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
