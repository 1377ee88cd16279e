"""Generated queries, run natively on their source engine and translated on every engine.

`SQLSHIFT_PROPERTY_EXAMPLES` (default 2000) queries per source dialect, each checked in its two
directions and the identity translation; the run is derandomised so CI is reproducible.
"""

from __future__ import annotations

import pytest
from engines import DIALECTS, DialectName, EnginePool
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from runner import EXAMPLES, Discard, check_translation, run_source
from sqlgen import queries

SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
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

    check()
