from __future__ import annotations

from typing import Any

import pytest

from tests.employers.helpers import load_some_taxonomy


@pytest.fixture(autouse=True)
def taxonomy(db: Any) -> None:
    load_some_taxonomy()
