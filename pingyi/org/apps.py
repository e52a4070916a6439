from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "pingyi.org"
    verbose_name = "单位与干部"
