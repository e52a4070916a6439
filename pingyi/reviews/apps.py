from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "pingyi.reviews"
    verbose_name = "述职评议"

    def ready(self):
        from pingyi.lib.todo import PROVIDERS, SUMMARIES

        from .todo import county_columns, items

        PROVIDERS.append(items)
        SUMMARIES.append(county_columns)
