"""SQLancer-style ternary-logic partitioning on the target engine.

For a generated query Q (no WHERE) and predicate p, written in the source dialect:
T(Q) = T(Q WHERE p) + T(Q WHERE NOT p) + T(Q WHERE p IS NULL) as multisets, on each target.
A translation that turns a NULL truth value into FALSE (or drops a row into two partitions)
breaks the equation even where no reference result is at hand.
"""

from __future__ import annotations

import pytest
from engines import DIALECTS, DialectName, EnginePool
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from runner import EXAMPLES, SEED, Discard, check_tlp
from sqlgen import tlp_cases

SETTINGS = settings(
    max_examples=max(EXAMPLES // 8, 10),
    derandomize=False,  # seeded from the commit (runner.SEED) instead
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@pytest.mark.parametrize("source", DIALECTS)
def test_ternary_logic_partitioning(source: DialectName, engines: EnginePool) -> None:
    pool = {name: engines.get(name) for name in DIALECTS}

    @SETTINGS
    @seed(SEED)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        base, pred = data.draw(tlp_cases(source), label="query and predicate")
        for target in DIALECTS:
            try:
                check_tlp(pool[source], pool[target], source, target, base, pred)
            except Discard:
                assume(False)

    check()
