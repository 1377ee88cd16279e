"""Generated queries, run natively on their source engine and translated on every engine.

`SQLSHIFT_PROPERTY_EXAMPLES` (default 2000) queries per source dialect, each checked in its two
directions and the identity translation; the run is seeded from the commit (runner.SEED), so
CI looks at new queries with every commit and a failure reproduces.
"""

from __future__ import annotations

import pytest
from engines import DIALECTS, DialectName, EnginePool
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from runner import EXAMPLES, SEED, Discard, check_translation, check_without_schema, run_source
from sqlgen import queries

SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=False,  # seeded from the commit (runner.SEED) instead
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@pytest.mark.parametrize("source", DIALECTS)
def test_generated_queries_mean_the_same_everywhere(
    source: DialectName, engines: EnginePool
) -> None:
    targets = {name: engines.get(name) for name in DIALECTS}

    @SETTINGS
    @seed(SEED)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        sql, ordered = data.draw(queries(source), label="query")
        try:
            expected = run_source(targets[source], sql, "diff", list(DIALECTS))
        except Discard:
            assume(False)
            return
        for target in DIALECTS:
            check_translation("diff", sql, source, target, targets[target], expected, ordered)
            if target != source:
                check_without_schema(sql, source, target, targets[target], expected, ordered)

    check()
