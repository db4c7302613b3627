"""Who may do what with orders: the same predicates for the pages and the API."""

from organizations.permissions import can_manage_payouts, can_view_payouts, is_admin

can_view_orders = can_view_payouts  # admins, ISMs, BSMs
can_manage_orders = can_manage_payouts  # admins, BSMs: import orders, manage discount codes
can_manage_order_settings = is_admin  # the webhook secret and the clawback policy
