from django.apps import AppConfig


class DupcheckConfig(AppConfig):
    name = "pingyi.dupcheck"
    verbose_name = "述职报告查重"
