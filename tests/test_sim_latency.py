import random

import pytest

from sim.latency import Delay

pytestmark = pytest.mark.unit


def test_draws_match_the_percentiles_they_were_fitted_to() -> None:
    delay = Delay(p50_s=0.361, p90_s=1.256)
    rng = random.Random(7)
    draws = sorted(delay.sample(rng) for _ in range(20000))
    assert draws[10000] == pytest.approx(0.361, rel=0.05)
    assert draws[18000] == pytest.approx(1.256, rel=0.05)


def test_same_seed_same_delays_and_constant_has_no_spread() -> None:
    delay = Delay(p50_s=0.3, p90_s=0.6)
    assert [delay.sample(random.Random(3)) for _ in range(3)] == [
        delay.sample(random.Random(3)) for _ in range(3)
    ]
    assert {Delay.constant(0.25).sample(random.Random(i)) for i in range(5)} == {0.25}
    assert Delay(p50_s=0.0).sample(random.Random(1)) == 0.0


def test_a_tail_below_the_median_is_refused() -> None:
    with pytest.raises(ValueError, match="p90_s"):
        Delay(p50_s=0.5, p90_s=0.4)
