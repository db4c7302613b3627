"""Personal API tokens: made and revoked by their user (and revoked by the org's admins), read by
the DRF authentication class (``authentication.py``) for ``Authorization: Bearer io_…``."""
