"""Static files: hashed, compressed names cached for a year once collected; the package's files before.

`openpes serve` and `openpes demo` collect the static files into OPENPES_STATIC_ROOT (default: the
`static` folder of the data directory) before they serve, so every page then links
`bootstrap.min.<hash>.css` and WhiteNoise sends the gzip or brotli copy with `Cache-Control: max-age=31536000,
immutable`: a county office on a slow link loads the dashboard's scripts once a release, not once a minute.
Before anything was collected (the tests, `manage.py runserver`-like use) pages link the plain names, which
WhiteNoise serves from the package through the finders with a 60-second cache, as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from whitenoise.compress import Compressor
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

ONE_YEAR = 365 * 24 * 60 * 60
STAMP = "openpes-static.stamp"


class QuickerCompressor(Compressor):
    """Brotli's best quality, except for the largest files, where it costs seconds for a few per cent.

    Only the Swagger UI bundle of the API docs page (1.7 MB) is that large: quality 9 compresses it in a
    twentieth of the time to 392 KB instead of 359 KB.
    """

    LARGE = 1024 * 1024

    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli

        return bytes(brotli.compress(data, quality=9 if len(data) > QuickerCompressor.LARGE else 11))


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage that falls back to the plain name instead of failing.

    The plain name is right before the first collection, and it is still served (uncompressed, briefly
    cached) if a file was added after the last one: a stale manifest must not turn every page into a 500.
    """

    manifest_strict = False
    # Not rewriting source-map comments: the vendored Swagger UI style sheet names a map it does not ship,
    # which would fail the whole collection, and only a developer's tools ever ask for a map.
    patterns = tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for extension, rules in CompressedManifestStaticFilesStorage.patterns
    )

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return QuickerCompressor(**kwargs)

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:
            return name


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise with a year's cache for hashed names (its own default is ten years)."""

    FOREVER = ONE_YEAR

    def add_files(self, root: str, prefix: str | None = None) -> None:
        # Before the first collection STATIC_ROOT does not exist yet; that is normal, not worth a warning.
        if Path(root).is_dir():
            super().add_files(root, prefix)


def sources_fingerprint() -> str:
    """A digest of every static file the finders see (name, size, modification time)."""
    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list(None), key=lambda found: found[0]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect(force: bool = False, **options: Any) -> bool:
    """Collect, hash and compress the static files into STATIC_ROOT unless they are already current.

    Returns whether it collected. Skipping is what keeps a restart fast: compressing with brotli takes
    seconds, and the files only change with a new release.
    """
    from django.core.management import call_command

    fingerprint = sources_fingerprint()
    if not force and is_current(fingerprint):
        return False
    call_command("collectstatic", interactive=False, verbosity=0, **options)
    (Path(settings.STATIC_ROOT) / STAMP).write_text(fingerprint + "\n")
    return True


def is_current(fingerprint: str | None = None) -> bool:
    """Whether STATIC_ROOT holds the collection of the static files as they are now."""
    stamp = Path(settings.STATIC_ROOT) / STAMP
    return stamp.exists() and stamp.read_text().strip() == (fingerprint or sources_fingerprint())
