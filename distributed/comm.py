"""Point-to-point exchanges and collectives with timeouts, byte counts and failure names.

Every operation goes through :class:`Communicator`, which

* issues ``torch.distributed`` point-to-point operations in batches
  (``batch_isend_irecv``, works on gloo and nccl, unlike gloo's equal-size
  ``all_to_all``) and returns a handle to wait on later, so that the next exchange can
  run while the caller computes;
* waits on every operation with a timeout;
* counts the bytes sent and received under a label (the operation and layer);
* turns a communication failure into :class:`PeerLostError` naming the lost rank, found
  by the liveness counters that each rank's :class:`Heartbeat` writes to the store.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import Tensor

from graphkit.distributed.store_calls import StoreTimeoutError, call_with_deadline
from graphkit.option_names import option

logger = logging.getLogger(__name__)

HEARTBEAT_PERIOD_S = 0.5
# A rank whose counter does not move for this long is reported as lost.
LIVENESS_WINDOW_S = 3.0
_KEY_ALIVE = "graphkit/alive/{rank}"
_KEY_LOST = "graphkit/lost"
_STORE = "the store at MASTER_ADDR:MASTER_PORT"
_STORE_UNREACHABLE = (
    "is unreachable, so its host (torchrun's agent, or rank 0 without torchrun) has "
    "most likely exited or lost its connection"
)


class PeerLostError(RuntimeError):
    """A rank stopped responding (died, hung or closed its connections)."""


# Threads of wait_works whose caller stopped waiting for them (a signal arrived).
_left_waits: list[threading.Thread] = []


def waits_left_behind() -> bool:
    """Return True while a wait that a signal interrupted is still blocked."""
    return any(thread.is_alive() for thread in _left_waits)


def wait_works(works: list, timeout: timedelta, in_thread: bool = True) -> None:
    """Wait for every work in ``works`` (each for up to ``timeout``), letting Ctrl-C in.

    ``Work.wait`` blocks in C++, where Python runs no signal handler, so a Ctrl-C or
    SIGTERM that arrives while a peer is stopped or slow would act only at the
    timeout (300 s by default). A daemon thread waits instead, and this thread waits
    on an event, which a signal handler interrupts at once: its ``KeyboardInterrupt``
    (or :class:`~graphkit.launch.interrupts.Terminated`) is raised here. gloo's
    point-to-point works never report ``is_completed()`` (torch 2.13), so polling
    cannot replace the thread. A wait left behind by a signal ends with the process.

    With ``in_thread`` false the works are waited for in the caller's thread. A CUDA
    work's ``wait`` makes the caller's current stream wait, and the current stream is
    per thread, so CUDA works must not be waited for in the helper thread.

    Raises:
        RuntimeError: a work failed or timed out (the error of ``Work.wait``).
    """
    if not in_thread:
        for work in works:
            work.wait(timeout)
        return
    done = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            for work in works:
                work.wait(timeout)
        except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
            failure.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=run, name="graphkit-wait", daemon=True)
    thread.start()
    try:
        done.wait()
    except BaseException:
        _left_waits.append(thread)
        raise
    if failure:
        raise failure[0]


class Heartbeat:
    """A daemon thread that increments ``graphkit/alive/RANK`` in the store periodically.

    A store call that has not returned within ``timeout_s`` counts as a store failure:
    :attr:`store_error` then reports it, and diagnosis returns None (store unreachable)
    instead of waiting for the call.

    Args:
        store (dist.Store): a store client used only by this thread and by diagnosis.
        rank (int), world_size (int): this process's place in the group.
        timeout_s (float): seconds that one store call may take.
        host (str): the process that hosts the store, for messages.
    """

    def __init__(
        self,
        store: dist.Store,
        rank: int,
        world_size: int,
        timeout_s: float = 300.0,
        host: str = "rank 0",
    ) -> None:
        self.store, self.rank, self.world_size = store, rank, world_size
        self.timeout_s, self.host = timeout_s, host
        # The store error that ended the thread before stop() was called, or None.
        self._store_error: Exception | None = None
        # time.monotonic() when this thread's pending store call started, or None.
        self._call_started: float | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="graphkit-heartbeat", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        key = _KEY_ALIVE.format(rank=self.rank)
        while not self._stop.is_set():
            try:
                with self._lock:
                    self._call_started = time.monotonic()
                    try:
                        self.store.add(key, 1)
                    finally:
                        self._call_started = None
            except (RuntimeError, OSError) as error:
                # Rank 0 or torchrun's agent, which hosts the store, has exited. Unless
                # this rank is stopping too, its next operation raises the error.
                if not self._stop.is_set():
                    self._store_error = error
                return
            self._stop.wait(HEARTBEAT_PERIOD_S)

    @property
    def store_error(self) -> Exception | None:
        """The store failure found by the heartbeat thread, or None while the store works.

        It is the error that ended the thread, or a StoreTimeoutError while the
        thread's store call has been pending for longer than ``timeout_s``.
        """
        if self._store_error is not None:
            return self._store_error
        started = self._call_started
        if started is not None and time.monotonic() - started > self.timeout_s:
            return StoreTimeoutError(
                f"the heartbeat's store.add did not return within {self.timeout_s:g} s, "
                f"so the store's host ({self.host}) is frozen or unreachable. "
                f"{option('timeout_s')} sets this limit"
            )
        return None

    def _locked_call(self, call, description: str):
        """Return ``call()`` run under the lock, within the time left to store calls.

        The time left is ``timeout_s`` from the start of the heartbeat's pending call,
        or from now when none is pending.

        Raises:
            StoreTimeoutError: the lock or the store did not respond in that time.
        """
        started = self._call_started
        left = self.timeout_s
        if started is not None:
            left = max(0.0, started + self.timeout_s - time.monotonic())

        def locked():
            with self._lock:
                return call()

        return call_with_deadline(locked, left, f"the store call of {description}")

    def stop(self) -> None:
        """Stop the thread and wait up to 2 s for it to end.

        NOTE: ``store.add`` has no timeout (torch 2.13), so on a store that stops
        responding but keeps its connection open (its host frozen, packets dropped) the
        thread outlives this wait. It uses only its own store connection, never the
        process group. If that connection then fails while the interpreter shuts down,
        the thread's return into Python aborts the process (SIGABRT, seen with torch
        2.13 and Python 3.11).
        """
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2 * HEARTBEAT_PERIOD_S + 1.0)

    def _counters(self) -> list[int | None]:
        def read() -> list[int | None]:
            counts: list[int | None] = []
            for rank in range(self.world_size):
                try:
                    counts.append(self.store.add(_KEY_ALIVE.format(rank=rank), 0))
                except (RuntimeError, OSError):
                    counts.append(None)
            return counts

        try:
            return self._locked_call(read, "the heartbeat counters")
        except StoreTimeoutError:
            return [None] * self.world_size

    def absent_ranks(self) -> list[int] | None:
        """Return the ranks whose heartbeat never reached the store, or None if unreachable.

        A rank writes its first heartbeat as soon as it connects, so at start-up an
        absent rank has not started or cannot reach the store.
        """
        keys = [_KEY_ALIVE.format(rank=rank) for rank in range(self.world_size)]

        def absent() -> list[int]:
            return [
                rank for rank, key in enumerate(keys) if not self.store.check([key])
            ]

        try:
            return self._locked_call(absent, "the start-up check")
        except (RuntimeError, OSError):
            # StoreTimeoutError is an OSError too.
            return None

    def find_lost_ranks(self) -> list[int] | None:
        """Return the ranks whose counters stopped, or None when the store is unreachable.

        A rank recorded as lost by another rank's earlier diagnosis is returned first,
        so every survivor names the rank that failed first rather than a rank that has
        since exited because of that failure.
        """
        def recorded() -> list[int] | None:
            if self.store.check([_KEY_LOST]):
                return [int(r) for r in self.store.get(_KEY_LOST).decode().split(",")]
            return None

        try:
            found = self._locked_call(recorded, "the lost-rank record")
        except (RuntimeError, OSError):
            return None
        if found is not None:
            return found
        before = self._counters()
        time.sleep(LIVENESS_WINDOW_S)
        after = self._counters()
        if all(c is None for c in after):
            return None
        lost = [
            rank
            for rank in range(self.world_size)
            if rank != self.rank
            and (after[rank] is None or after[rank] == before[rank])
        ]
        if lost:
            try:
                self._locked_call(
                    lambda: self.store.compare_set(
                        _KEY_LOST, "", ",".join(map(str, lost))
                    ),
                    "the lost-rank record",
                )
            except (RuntimeError, OSError):
                pass
        return lost


@dataclass
class CommStats:
    """Bytes sent and received per label since the last :meth:`reset`."""

    sent: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    received: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, label: str, sent: int, received: int) -> None:
        self.sent[label] += sent
        self.received[label] += received

    def reset(self) -> None:
        self.sent = defaultdict(int)
        self.received = defaultdict(int)


def _nbytes(tensors: list[Tensor]) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


# Most messages of one round of chunked messages (see Communicator.chunk_tag).
MAX_CHUNKS = 2048


@dataclass
class PendingExchange:
    """Handles of one batch of point-to-point operations, with the peers involved."""

    works: list
    peers: tuple[int, ...]
    label: str


class Communicator:
    """The process group of a sharded graph, with timeouts and accounting.

    Args:
        group (ProcessGroup, optional): the group to use (default: the world group).
        timeout_s (float): seconds to wait for any single operation. (default: ``300``)
        heartbeat (Heartbeat, optional): liveness counters used to name a lost rank;
            without it the error names the peers of the failed operation.
        device (torch.device or str): the device of every tensor sent through the
            group: CPU for gloo, this rank's GPU for nccl. Tensors that the
            communicator creates itself (counters, sizes) are allocated there.
            (default: ``"cpu"``)
    """

    def __init__(
        self,
        group=None,
        timeout_s: float = 300.0,
        heartbeat: Heartbeat | None = None,
        device: torch.device | str = "cpu",
    ) -> None:
        self.group = group
        self.device = torch.device(device)
        # TODO: CUDA (nccl) waits stay in the caller's thread, so Ctrl-C still acts
        # only when they return. Not run on GPUs.
        self._wait_in_thread = self.device.type == "cpu"
        self.rank = dist.get_rank(group)
        self.world_size = dist.get_world_size(group)
        self.timeout = timedelta(seconds=timeout_s)
        self.heartbeat = heartbeat
        self.stats = CommStats()
        self._tag = 0

    # Point-to-point exchanges -------------------------------------------------------
    def start(
        self,
        sends: dict[int, list[Tensor]],
        recvs: dict[int, list[Tensor]],
        label: str,
        tag: int | None = None,
    ) -> PendingExchange:
        """Post sends of ``sends[peer]`` and receives into ``recvs[peer]``; do not wait.

        Empty tensors are skipped on both sides, since sender and receiver agree on the
        sizes. Every rank posts its exchanges in the same order, so the running tag
        matches the peer's. A caller that posts a different number of exchanges on
        different ranks passes its own ``tag`` from :meth:`chunk_tag` instead.
        """
        # Devices come first, so a tensor on another device is reported whatever the
        # peer list (in a one-rank group every peer is this rank and is rejected).
        self._check_devices(
            [t for ts in [*sends.values(), *recvs.values()] for t in ts], label
        )
        self._check_peers([*sends, *recvs], label)
        if tag is None:
            self._tag = (self._tag + 1) % (1 << 20)
            tag = self._tag
        self._check_store(label)
        self._check_receive_buffers(recvs, label)
        ops = []
        for peer, tensors in sends.items():
            for t in tensors:
                if t.numel():
                    ops.append(
                        dist.P2POp(
                            dist.isend, t.contiguous(), peer, self.group, tag
                        )
                    )
        for peer, tensors in recvs.items():
            for t in tensors:
                if t.numel():
                    ops.append(dist.P2POp(dist.irecv, t, peer, self.group, tag))
        sent = _nbytes([t for ts in sends.values() for t in ts])
        received = _nbytes([t for ts in recvs.values() for t in ts])
        self.stats.add(label, sent, received)
        peers = tuple(sorted(set(sends) | set(recvs)))
        try:
            works = dist.batch_isend_irecv(ops) if ops else []
        except RuntimeError as error:
            self._fail(error, peers, label)
        return PendingExchange(works, peers, label)

    def next_round(self) -> int:
        """Advance the running tag once and return it, as a base for :meth:`chunk_tag`.

        Every rank calls it once per round of chunked messages, so the bases agree
        even though the ranks post different numbers of chunks in that round.
        """
        self._tag = (self._tag + 1) % (1 << 20)
        return self._tag

    @staticmethod
    def chunk_tag(base: int, chunk: int) -> int:
        """Return the tag of message ``chunk`` of a round started by :meth:`next_round`.

        The tags lie above the running tags (which stay below ``2^20``) and repeat
        only after 1024 rounds, long after each round's messages have arrived.
        """
        if not 0 <= chunk < MAX_CHUNKS:
            raise ValueError(f"chunk {chunk} is outside [0, {MAX_CHUNKS})")
        return (1 << 20) + (base % 1024) * MAX_CHUNKS + chunk

    def wait(self, pending: PendingExchange) -> None:
        """Block until every operation of ``pending`` finished, or raise on failure.

        NOTE: On nccl, torch's watchdog may abort the process at the timeout before this
        raises, so the error may not name the lost rank. This path has not been run on
        GPUs.
        """
        try:
            wait_works(pending.works, self.timeout, self._wait_in_thread)
        except RuntimeError as error:
            self._fail(error, pending.peers, pending.label)

    # Collectives --------------------------------------------------------------------
    def all_reduce(
        self, tensor: Tensor, op=dist.ReduceOp.SUM, label: str = "all_reduce"
    ) -> Tensor:
        """All-reduce ``tensor`` in place (with timeout) and return it."""
        if self.world_size == 1:
            return tensor
        self._check_store(label)
        self._check_devices([tensor], label)
        size = _nbytes([tensor])
        self.stats.add(label, size, size)
        try:
            wait_works(
                [dist.all_reduce(tensor, op=op, group=self.group, async_op=True)],
                self.timeout,
                self._wait_in_thread,
            )
        except RuntimeError as error:
            self._fail(error, tuple(range(self.world_size)), label)
        return tensor

    def broadcast(
        self, tensor: Tensor, src: int = 0, label: str = "broadcast"
    ) -> Tensor:
        """Broadcast ``tensor`` in place from rank ``src`` (with timeout) and return it.

        The bytes of ``tensor`` travel as a uint8 tensor, so every dtype works. gloo
        (torch 2.13) rejects a broadcast of int16, uint16, uint32, uint64 and float8
        tensors with "Invalid scalar type", although a broadcast only copies bytes.
        """
        if self.world_size == 1:
            return tensor
        self._check_store(label)
        self._check_devices([tensor], label)
        self.stats.add(
            label,
            _nbytes([tensor]) if self.rank == src else 0,
            0 if self.rank == src else _nbytes([tensor]),
        )
        # A contiguous tensor's flat view shares its storage, so receiving into the
        # bytes writes the tensor. Another layout receives into a copy.
        flat = tensor.contiguous().view(-1)
        try:
            work = dist.broadcast(
                flat.view(torch.uint8), src=src, group=self.group, async_op=True
            )
            wait_works([work], self.timeout, self._wait_in_thread)
        except RuntimeError as error:
            self._fail(error, tuple(range(self.world_size)), label)
        if not tensor.is_contiguous():
            tensor.copy_(flat.view_as(tensor))
        return tensor

    def all_gather_sizes(self, value: int) -> list[int]:
        """Return ``value`` from every rank, in rank order."""
        t = torch.zeros(self.world_size, dtype=torch.long, device=self.device)
        t[self.rank] = value
        return self.all_reduce(t, label="setup").tolist()

    def _check_peers(self, peers: list[int], label: str) -> None:
        """Raise ValueError unless every peer is another rank of the group.

        gloo (torch 2.13) cannot send to the sending rank itself: the operation fails
        with "Pair is not connected", which would be reported as a lost peer. A rank
        outside the group makes ``batch_isend_irecv`` block past every timeout.
        """
        for peer in peers:
            if peer == self.rank:
                raise ValueError(
                    f"rank {self.rank}: {label} lists this rank as its own peer. Use "
                    "the local tensors directly instead of sending them to this rank"
                )
            if not 0 <= peer < self.world_size:
                raise ValueError(
                    f"rank {self.rank}: {label} names invalid peer {peer}, because the "
                    f"group has ranks 0..{self.world_size - 1}. Pass peers in that range"
                )

    def _check_receive_buffers(self, recvs: dict[int, list[Tensor]], label: str) -> None:
        """Raise ValueError for a receive buffer that is not contiguous.

        gloo writes into the buffer's memory in order and rejects a strided view with
        "input tensor has to be contiguous", which would be reported as a lost peer.
        """
        for peer, tensors in recvs.items():
            for index, t in enumerate(tensors):
                if t.numel() and not t.is_contiguous():
                    raise ValueError(
                        f"rank {self.rank}: {label} receive buffer {index} from peer "
                        f"{peer} is not contiguous (shape {list(t.shape)}, strides "
                        f"{list(t.stride())}). Receive into a contiguous tensor, such "
                        "as torch.empty(shape), and copy it into the view afterwards"
                    )

    def _check_devices(self, tensors: list[Tensor], label: str) -> None:
        """Raise ValueError if a tensor's device type differs from the group's.

        Without this check nccl fails on a CPU tensor (and gloo on a CUDA tensor) with
        an error that names neither the tensor's device nor the operation.
        """
        for t in tensors:
            if t.device.type != self.device.type:
                raise ValueError(
                    f"rank {self.rank}: {label} got a tensor on {t.device}, but this "
                    f"process group communicates tensors on {self.device} (backend "
                    f"{dist.get_backend(self.group)}). Move the model and features to "
                    f"{self.device}, or start the group with the backend for {t.device}"
                )

    # Failure handling ---------------------------------------------------------------
    def _check_store(self, label: str) -> None:
        """Raise PeerLostError once the heartbeat found the store unreachable.

        The launcher that hosts the store may exit while every rank still runs (a
        torchrun agent killed with SIGKILL). Without this check the ranks would go on
        training as orphans, still writing to ``--out``.
        """
        error = self.heartbeat.store_error if self.heartbeat is not None else None
        if error is None:
            return
        # torch's store errors append a C++ stack trace after the first line.
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        message = (
            f"rank {self.rank}: {label} stopped because {_STORE} {_STORE_UNREACHABLE}. "
            f"Store error: {first_line}"
        )
        # The error carries the message, and graphkit's command line prints it once.
        logger.debug(message)
        raise PeerLostError(message)

    def _fail(self, error: Exception, peers: tuple[int, ...], label: str):
        lost = self.heartbeat.find_lost_ranks() if self.heartbeat is not None else None
        others = [p for p in peers if p != self.rank]
        if lost:
            culprit = "rank " + ", ".join(map(str, lost))
            reason = "stopped responding (no heartbeat)"
        elif lost is None and self.heartbeat is not None:
            culprit, reason = _STORE, _STORE_UNREACHABLE
        else:
            culprit = "one of ranks " + ", ".join(map(str, others))
            reason = "failed or timed out"
        message = (
            f"rank {self.rank}: {label} failed because {culprit} {reason}; "
            f"timeout {self.timeout.total_seconds():.0f} s; original error: {error}"
        )
        # The error carries the message, and graphkit's command line prints it once,
        # also when a launcher's SIGTERM interrupts the rank while the error unwinds.
        logger.debug(message)
        raise PeerLostError(message) from error
