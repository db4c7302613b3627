from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commerce.commission.earning import commissions_earn
        from payments.runs.hooks import install_before_claim

        # Each payment run earns the commission due before it claims what it pays.
        install_before_claim(commissions_earn)
