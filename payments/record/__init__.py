"""A brand's payment record, shown to creators before they accept and to staff on Payouts."""
