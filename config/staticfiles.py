"""Collected static files: hashed names, gzip and brotli copies (WhiteNoise), in DEBUG too."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Django's manifest storage links unhashed names while DEBUG is on; `make run` runs with DEBUG
    on and serves collected files as production does, so hashed names (cached for a year) always."""

    def url(self, name, force=False):
        return super().url(name, force=True)
