"""sqlshift.move.fork: a coroutine run in a forked process (migrate's second process)."""

from __future__ import annotations

import asyncio
import os

import pytest

from sqlshift.move.fork import Child, ChildFailed, available

pytestmark = pytest.mark.skipif(not available(), reason="needs fork and a second core")


async def _pid_and(value: int) -> tuple[int, int]:
    await asyncio.sleep(0)
    return os.getpid(), value * 2


async def _fails() -> None:
    raise ValueError("no such table")


async def _dies() -> None:
    os._exit(3)


def test_the_child_runs_on_a_loop_of_its_own_and_answers() -> None:
    async def main() -> tuple[int, int]:
        # the parent's loop is running here: the child must not find it running
        return await Child(lambda: _pid_and(21)).result()

    pid, doubled = asyncio.run(main())
    assert pid != os.getpid() and doubled == 42


def test_a_failure_or_a_death_in_the_child_is_the_parents_error() -> None:
    async def main() -> None:
        with pytest.raises(ChildFailed, match="ValueError: no such table"):
            await Child(_fails).result()
        with pytest.raises(ChildFailed, match="without an answer"):
            await Child(_dies).result()

    asyncio.run(main())
