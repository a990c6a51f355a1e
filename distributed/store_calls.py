"""Calls to a ``torch.distributed`` store that give up after a deadline.

The timeout of a ``TCPStore`` (torch 2.13) bounds the wait for a key and the retries of
a refused connection. A store whose host accepted the connection but does not reply
(a frozen process, packets dropped, or another program listening on ``MASTER_PORT``)
blocks ``add``, ``check``, ``get``, ``compare_set`` and the client's constructor
forever. :func:`call_with_deadline` runs such a call in a daemon thread and stops
waiting for it at the deadline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class StoreTimeoutError(TimeoutError):
    """A store call did not return before its deadline."""


def call_with_deadline(call: Callable[[], T], timeout_s: float, description: str) -> T:
    """Return ``call()``, or raise StoreTimeoutError after ``timeout_s`` seconds.

    An exception of ``call`` is raised here. A call still blocked at the deadline
    stays blocked in its daemon thread, which ends with the process.

    Raises:
        StoreTimeoutError: ``call`` did not return within ``timeout_s``. The message
            starts with ``description``.
    """
    done = threading.Event()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name="graphkit-store-call", daemon=True).start()
    if not done.wait(max(timeout_s, 0.0)):
        raise StoreTimeoutError(f"{description} did not return within {timeout_s:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
