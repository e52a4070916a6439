from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def sync_catalogue(sender, using="default", **kwargs):
    # Also runs after a test database is flushed, so the catalogue is always there.
    from .actions import do_sync_catalogue
    from .models import Indicator

    if Indicator._meta.db_table in connections[using].introspection.table_names():
        do_sync_catalogue(using=using)


class IndicatorsConfig(AppConfig):
    name = "pingyi.indicators"
    verbose_name = "发展指标"

    def ready(self):
        from pingyi.audit.models import register_actions

        from .actions import ACTION_LABELS

        register_actions(ACTION_LABELS)

        from pingyi.lib.todo import PROVIDERS, SUMMARIES

        from .todo import county_columns, items

        PROVIDERS.append(items)
        SUMMARIES.append(county_columns)
        post_migrate.connect(sync_catalogue, sender=self, dispatch_uid="indicators_sync_catalogue")
