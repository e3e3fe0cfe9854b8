"""Schema of the public site (pinyin search fields, policies, commitments, reports) (filled by its issue)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_evaluation")]

    operations: list = []
