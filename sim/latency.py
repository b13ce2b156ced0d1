"""Provider delays as seeded distributions, so p95 holds a provider's tail.

Every simulator draws its delays from a :class:`Delay` with its own ``random.Random``
seeded from the profile, so a run is reproducible and two runs with the same seed see
the same delays in the same order.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = ["Delay", "seeded_rng"]

# z-score of the 90th percentile of a standard normal distribution.
_Z90 = 1.2815515655446004


@dataclass(frozen=True)
class Delay:
    """A delay in seconds: log-normal through a median and a 90th percentile.

    Latency of network services is right-skewed with a long tail; a log-normal fitted to
    two published percentiles is the usual first model of it. ``p90_s == p50_s`` gives a
    constant, ``p50_s == 0`` gives no delay at all.

    Args:
        p50_s: median delay.
        p90_s: 90th-percentile delay (>= the median).
        max_s: draws are capped here, so one extreme draw cannot stall a whole run.
    """

    p50_s: float
    p90_s: float | None = None
    max_s: float = 30.0

    def __post_init__(self) -> None:
        if self.p50_s < 0:
            raise ValueError("p50_s must be >= 0")
        if self.p90_s is not None and self.p90_s < self.p50_s:
            raise ValueError("p90_s must be >= p50_s")

    @classmethod
    def constant(cls, seconds: float) -> Delay:
        return cls(p50_s=seconds, p90_s=seconds)

    @classmethod
    def zero(cls) -> Delay:
        return cls(p50_s=0.0, p90_s=0.0)

    @property
    def tail_ratio(self) -> float:
        """``p90 / p50``: the shape of the tail, 1.0 for a constant."""
        if self.p50_s <= 0 or self.p90_s is None:
            return 1.0
        return self.p90_s / self.p50_s

    def with_median(self, p50_s: float) -> Delay:
        """The same tail shape (``p90 / p50``) around another median.

        Lets a profile keep its own median while borrowing the spread a provider was
        measured with.
        """
        return Delay(p50_s=p50_s, p90_s=p50_s * self.tail_ratio, max_s=self.max_s)

    @property
    def sigma(self) -> float:
        """Standard deviation of the underlying normal; 0 for a constant."""
        if self.p50_s <= 0 or self.p90_s is None or self.p90_s <= self.p50_s:
            return 0.0
        return math.log(self.p90_s / self.p50_s) / _Z90

    def quantile(self, q: float) -> float:
        """The q-quantile (0 < q < 1), uncapped: for tests and reports."""
        if self.sigma == 0.0:
            return self.p50_s
        return self.p50_s * math.exp(self.sigma * _inverse_normal_cdf(q))

    def sample(self, rng: random.Random) -> float:
        if self.sigma == 0.0:
            return self.p50_s
        return min(self.max_s, rng.lognormvariate(math.log(self.p50_s), self.sigma))


def _inverse_normal_cdf(q: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(q)


def seeded_rng(simulator: str, seed: int) -> random.Random:
    """A generator of its own for one simulator, so two simulators sharing a seed do not
    draw the same sequence, and adding draws to one never shifts another's."""
    return random.Random(f"{simulator}:{seed}")
