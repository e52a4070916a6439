from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "pingyi.indicators"
    verbose_name = "发展指标"
