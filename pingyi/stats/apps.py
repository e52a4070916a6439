from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "pingyi.stats"
    verbose_name = "队伍结构统计"
