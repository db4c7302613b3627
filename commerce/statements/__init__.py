"""Order statements: the creator's orders with their commission (portal), the same per
creator for staff, and both from the API."""
