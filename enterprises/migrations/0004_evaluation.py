"""Schema of the indicator catalogue and evaluations (filled by its issue)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_record_indexes_validators")]

    operations: list = []
