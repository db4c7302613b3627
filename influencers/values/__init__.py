"""What a creator won't promote: exclusions (categories, brands, products, topics) and a values
statement, kept with the creator's login and shown to every org they work with. Matching and
invitations (``programs``) respect them through ``selectors.conflicts_for``."""
