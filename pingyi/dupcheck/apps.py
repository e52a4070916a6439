from django.apps import AppConfig


class DupcheckConfig(AppConfig):
    name = "pingyi.dupcheck"
    verbose_name = "述职报告查重"

    def ready(self):
        # The audit log names this app's actions from the start, not once a view has been loaded.
        from . import actions  # noqa: F401
