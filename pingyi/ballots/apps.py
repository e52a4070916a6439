from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "pingyi.ballots"
    verbose_name = "民主测评"
