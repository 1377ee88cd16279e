"""Run a coroutine in a forked process: a second core for CPU-bound work (``migrate`` copies
half of the tables there; reading MySQL rows and hashing them is pure Python, bound by one
core in one process).

The child is forked, so it shares nothing but what it inherited: it opens its own
connections, runs ``make()`` on an event loop of its own, sends the result back pickled, and
leaves with ``os._exit`` (no finaliser of the parent's objects runs in it: the connections it
inherited are the parent's, and closing them there would end the parent's sessions).
POSIX only; :func:`available` says whether it can be used.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import sys
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

__all__ = ["Child", "ChildFailed", "available"]

T = TypeVar("T")


class ChildFailed(Exception):
    """The child raised (its message), or died without an answer."""


def available() -> bool:
    """Forking is possible here, and there is a second core to run the child on."""
    return sys.platform != "win32" and (os.cpu_count() or 1) > 1


class Child(Generic[T]):
    """``make()`` running in a forked process; ``await result()`` for its value."""

    def __init__(self, make: Callable[[], Awaitable[T]]) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(make, send), daemon=True)
        self._process.start()
        send.close()

    async def result(self) -> T:
        try:
            kind, value = await asyncio.to_thread(self._receive.recv)
        except EOFError:
            raise ChildFailed(
                f"the worker process ended without an answer (exit code {self._process.exitcode})"
            ) from None
        finally:
            self._receive.close()
            await asyncio.to_thread(self._process.join)
        if kind != "ok":
            raise ChildFailed(value)
        result: T = value
        return result


def _run(make: Callable[[], Awaitable[Any]], send: Connection) -> None:
    """The child: a loop of its own (the parent's is still marked running in this thread's
    copy of the state), the answer sent back, and out without finalisers."""
    try:
        asyncio.events._set_running_loop(None)

        async def main() -> Any:
            return await make()

        send.send(("ok", asyncio.run(main())))
    except BaseException as error:  # (whatever it is, the parent must hear of it)
        # (an unpicklable answer, a closed pipe: the parent then sees EOF)
        with contextlib.suppress(Exception):
            send.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        send.close()
        os._exit(0)
