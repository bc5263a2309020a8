"""Work in forked processes: each task in a fresh process, whose memory goes back when it ends."""

from __future__ import annotations

import contextlib
import functools
import os
import traceback
from collections.abc import Callable
from typing import Any

from generator.errors import BriefError, BuildError, ProblemsError


def run_forked(work: Callable[[Any], Any], tasks: list[Any], jobs: int) -> list[Any]:
    """`[work(t) for t in tasks]`, each call in a fresh forked process, `jobs` at a time.

    A user's error (BriefError) raised in a process is raised here again, with its message; a
    process that fails otherwise, or dies without an answer (killed, out of memory), fails the
    build with what it printed, instead of hanging it.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    libc()  # found here, inherited by every process (see orphan_proof)
    results: list[Any] = [None] * len(tasks)
    pending = list(enumerate(tasks))
    running: dict[Any, tuple[int, Any, Any]] = {}  # pipe end -> (task index, process, pipe end)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                index, task = pending.pop(0)
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_answer, args=(work, task, writer, os.getpid()))
                process.start()
                writer.close()
                running[reader] = (index, process, reader)
            for ready in wait(list(running)):
                index, process, connection = running.pop(ready)
                try:
                    kind, value = connection.recv()
                except EOFError:
                    process.join()
                    raise BuildError(
                        f"a build process ended without an answer (exit code {process.exitcode});"
                        " the previous site is unchanged"
                    ) from None
                finally:
                    connection.close()
                process.join()
                results[index] = raise_failure(kind, value)
    finally:
        for _index, process, _connection in running.values():
            process.kill()
            process.join()
    return results


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@functools.cache
def libc() -> Any:
    """The C library, found once (finding it runs a program): None where there is none.

    Forking processes ask for it first, so that what they fork has it already.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


# File descriptors a forked process must not keep: the build lock's (see site.build_lock).
INHERITED_LOCKS: set[int] = set()


def orphan_proof(parent: int) -> None:
    """In a forked process: die with the process that forked it, and let go of its build lock.

    A build killed while its workers run must not leave them behind, holding the project's
    lock (flock is held while any process keeps the file open) and answering no one. Ctrl-C is
    the parent's to handle: it stops the build, its processes with it; a worker that took it
    too would print a traceback of its own.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    c = libc()
    if c is not None:
        with contextlib.suppress(OSError, AttributeError):
            c.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills us when it dies
    for fd in INHERITED_LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    if os.getppid() != parent:  # it died before the line above could ask to be told
        os._exit(1)


def _answer(work: Callable[[Any], Any], task: Any, writer: Any, parent: int) -> None:
    orphan_proof(parent)
    writer.send(outcome(work, task))
    writer.close()


def outcome(work: Callable[[Any], Any], task: Any) -> tuple[str, Any]:
    """`work(task)` as an answer a forked process can send: what it returned, or what failed."""
    try:
        return ("ok", work(task))
    except ProblemsError as exc:
        return ("problems", (exc.problems, exc.action))
    except BriefError as exc:
        return ("error", exc.format_message())
    except Exception:
        return ("crash", traceback.format_exc())


def raise_failure(kind: str, value: Any) -> Any:
    """The value of an answer from `outcome`; for a failure, raise it here as it was raised."""
    if kind == "problems":
        raise ProblemsError(*value)
    if kind == "error":
        raise BuildError(value)
    if kind == "crash":
        raise RuntimeError(f"a build process failed:\n{value}")
    return value
