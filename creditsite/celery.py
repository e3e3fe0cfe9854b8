"""The Celery application. Periodic jobs are declared in ``creditsite.schedules``
and stored by django-celery-beat, so officials can edit them in the admin."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditsite.settings")

app = Celery("creditsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
