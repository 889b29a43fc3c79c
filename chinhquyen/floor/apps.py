from django.apps import AppConfig


class FloorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chinhquyen.floor"
    verbose_name = "Quầy phục vụ (xếp hàng, đánh giá tại quầy)"
