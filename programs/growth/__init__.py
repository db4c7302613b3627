"""A path to grow: tiers computed from a creator's history with an org (``tiers``), the
creator's own view of it (``selectors``) and the terms suggested when inviting a returning
creator (``suggestions``). Nothing is stored: every figure is computed from the records."""
