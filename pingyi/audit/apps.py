from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pingyi.audit"
    verbose_name = "操作日志"
