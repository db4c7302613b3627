"""Calendar feeds (iCalendar): a creator's due dates across their orgs, a program's dates and
deadlines for staff; each at a secret, rotatable address that calendar apps subscribe to."""
