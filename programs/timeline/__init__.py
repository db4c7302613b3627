"""An enrollment's timeline, each side's: the audit trail of the enrollment and what hangs on
it, in sentences (``influencer_ops.history``), with its click milestones, paginated. The team
reads all of it (brand-scoped roles for their brands); the creator reads a whitelist of
verbs and fields (``visibility``), so internal notes and comments never reach them."""
