"""The going rate of an occupation in a region, from the pay of the vacancies already in the pool: what
`screen(going_rate=...)` compares a new vacancy's pay with."""

from __future__ import annotations

import statistics
from collections.abc import Iterable

# Fewer postings than this say little about a market; the pay check is then skipped rather than guessed.
MIN_SAMPLES = 5


def going_rate(
    pays: Iterable[tuple[int | None, int | None]], *, min_samples: int = MIN_SAMPLES
) -> tuple[int, int] | None:
    """(low, high) monthly pay of comparable vacancies: the median of their minimums and the 90th percentile
    of their maximums (a high percentile, so that a well-paid but real vacancy does not make the others look
    suspect). Pairs without figures (面议) are left out; None when fewer than `min_samples` remain."""
    minimums: list[int] = []
    maximums: list[int] = []
    for low, high in pays:
        # "1万以上" has only a minimum, "3千以下" only a maximum: one figure stands for both ends.
        if low is None:
            if high is None:
                continue
            low = high
        if high is None:
            high = low
        minimums.append(low)
        maximums.append(high)
    if len(minimums) < max(min_samples, 2):
        return None
    high_rate = statistics.quantiles(maximums, n=10, method="inclusive")[-1]
    return int(statistics.median(minimums)), int(high_rate)
