"""Pure parsers that turn what employers write into comparable fields. No Django import here: the same
code runs in the web app, the CLI and the tests.

`normalise_posting` and `Normalised` (posting.py) are exported here, loaded on first use: they bring the
occupation coder, whose word segmenter takes half a second to import, and a caller of the pay parser alone
should not wait for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpes.vacancies.normalise.posting import Normalised, normalise_posting

__all__ = ["Normalised", "normalise_posting"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from openpes.vacancies.normalise import posting

        return getattr(posting, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
