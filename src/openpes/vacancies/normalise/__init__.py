"""Pure parsers that turn what employers write into comparable fields. No Django import here: the same
code runs in the web app, the CLI and the tests."""

from openpes.vacancies.normalise.posting import Normalised, normalise_posting

__all__ = ["Normalised", "normalise_posting"]
