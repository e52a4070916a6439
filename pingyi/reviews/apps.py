from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "pingyi.reviews"
    verbose_name = "述职评议"
