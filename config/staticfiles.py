"""Static files under hashed names (``app.3f2a9c1b7d4e.css``), compressed (gzip, Brotli when
installed) by whitenoise at ``collectstatic``; WhiteNoise serves a hashed name with a
far-future ``immutable`` Cache-Control and an unhashed one with a short max-age.

Django's manifest storage hands out unhashed names while DEBUG is on; ``make run`` runs with
DEBUG and ``collectstatic`` (config/devrun.py), and should show what production serves, so
this storage hashes whenever the manifest knows the file. A file the manifest does not know
(``collectstatic`` not run, or a file added since) keeps its plain name under DEBUG (WhiteNoise
finds it in the apps' folders) and is an error otherwise, as with Django's storage.
"""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name: str | None, force: bool = False) -> str:
        try:
            return str(super().url(name, force=True))
        except ValueError:
            if settings.DEBUG:
                return str(super().url(name, force=False))
            raise
