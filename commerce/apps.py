from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commerce.commission.earning import commission_plan, commissions_earn
        from payments.runs.hooks import install_before_claim, install_plan

        # Each payment run earns the commission due before it claims what it pays; its
        # preview shows those payouts before they exist.
        install_before_claim(commissions_earn)
        install_plan(commission_plan)
