"""Process-group start-up for torchrun, mpiexec and plain processes.

:func:`init_process_group` finds this process's rank and the world size from

1. torchrun's environment (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``);
2. an MPI launcher (``mpiexec -n N``), through ``mpi4py``: rank 0 picks a free port and
   broadcasts it, and ``MASTER_ADDR`` defaults to 127.0.0.1 (one machine);
3. a Slurm job step (``srun``), through mpi4py or Slurm's own variables, by the rules
   of :mod:`graphkit.distributed.slurm`;
4. otherwise a single process (rank 0 of 1).

It then starts a ``torch.distributed`` group on a TCP store (gloo with CPU tensors by
default, nccl with this rank's GPU), and a heartbeat thread whose counters name a rank
that stops responding. :mod:`graphkit.distributed.device` chooses the device and
backend.

:func:`build_partition` and the partition checks are in
:mod:`graphkit.distributed.partition_loading`, and are importable from here too.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import inspect
import ipaddress
import itertools
import logging
import os
import signal
import socket
import sys
import threading
from datetime import timedelta

import torch
import torch.distributed as dist

from graphkit.distributed import slurm
from graphkit.distributed.attempt_keys import agree_attempt
from graphkit.distributed.comm import Communicator, Heartbeat, waits_left_behind
from graphkit.distributed.device import resolve_backend
from graphkit.distributed.gloo_interface import choose_gloo_interface
from graphkit.distributed.store_calls import StoreTimeoutError, call_with_deadline

# Re-exported, so that imports of these names from this module keep working.
from graphkit.distributed.partition_loading import (  # noqa: F401
    build_partition,
    check_dataset,
    check_dataset_on_every_rank,
    check_split,
    payload_to,
)
from graphkit.distributed.sharded import ShardedGraph  # noqa: F401
from graphkit.launcher import MPI_SIZE_VARIABLES, StartUpError, world_size_variable
from graphkit.option_names import option

logger = logging.getLogger(__name__)

_state: dict = {}
# Seconds beyond --timeout-s that a store connection may take before start-up stops.
STORE_CONNECT_GRACE_S = 10.0
# Numbers the groups that this process starts, for their store keys. Every rank starts
# and destroys its groups in the same order, so the ranks of one group draw one number.
_group_numbers = itertools.count()


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now.

    ``host`` is a name or an IPv4 or IPv6 address, resolved as :func:`listen_socket`
    resolves it.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, 0, type=socket.SOCK_STREAM
    )[0]
    with socket.socket(family, kind, proto) as sock:
        sock.bind(address)
        return int(sock.getsockname()[1])


def listen_socket(host: str, port: int) -> int:
    """Return the descriptor of a TCP socket listening on ``host:port`` only.

    The caller owns the descriptor (``TCPStore`` takes it over as ``master_listen_fd``).
    Port 0 lets the system pick a free port.

    Raises:
        StartUpError: ``host`` does not resolve, is not an address of this machine, or
            the port is in use. The message names ``MASTER_ADDR`` and ``MASTER_PORT``.
    """
    sock = None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as error:
        if sock is not None:
            sock.close()
        target = (
            f"MASTER_ADDR:MASTER_PORT = {host}:{port}" if port else f"MASTER_ADDR = {host}"
        )
        raise StartUpError(
            f"cannot listen on {target} ({error}). Give an address of this machine "
            "and a free port"
        ) from error
    return sock.detach()


def _rank_zero_port(addr: str, port: int | None, other_machines: list[str]) -> int | str:
    """Return the port that rank 0's store can listen on, or the error message.

    With ``port`` None the system picks a free port. The socket closes again at once,
    and :func:`init_process_group` listens on the port later. A loopback address is
    an error when ranks run on ``other_machines``, because they cannot reach it.
    """
    try:
        descriptor = listen_socket(addr, port or 0)
    except RuntimeError as error:
        return str(error)
    with socket.socket(fileno=descriptor) as sock:
        host, free = sock.getsockname()[:2]
    if other_machines and ipaddress.ip_address(host).is_loopback:
        # Debian and Ubuntu installs often map the machine's own name to 127.0.1.1.
        return (
            f"MASTER_ADDR={addr} is the loopback address {host} on rank 0's machine, "
            f"which the ranks on {', '.join(other_machines)} cannot reach. Set "
            "MASTER_ADDR to an address of rank 0's machine on the network between "
            "the machines"
        )
    return int(free)


def unbracketed_address(addr: str) -> str:
    """Return ``addr`` without the brackets of a bracketed IPv6 literal such as ``[::1]``.

    URLs such as ``tcp://[::1]:29500`` write an IPv6 address in brackets, but sockets
    and ``TCPStore`` take the bare address. Rank 0 would fail to resolve ``[::1]``,
    and the other ranks would wait for the store until the timeout. Other values are
    returned unchanged.
    """
    if addr.startswith("[") and addr.endswith("]"):
        try:
            return str(ipaddress.IPv6Address(addr[1:-1]))
        except ValueError:
            return addr
    return addr


def _from_mpi(world=None) -> tuple[int, int, str, int]:
    """Read ``(rank, size, MASTER_ADDR, MASTER_PORT)`` from an MPI job.

    When ``MASTER_PORT`` is unset, rank 0 picks a free port and broadcasts it.

    Args:
        world (mpi4py.MPI.Comm, optional): the communicator. (default: ``COMM_WORLD``)

    Raises:
        StartUpError: mpi4py is not installed, or the ranks run on several machines
            and ``MASTER_ADDR`` is unset. The default 127.0.0.1 reaches rank 0's store
            only from rank 0's machine, so the other ranks would wait until the
            rendezvous timed out. Also raised on every rank when rank 0 cannot listen
            on ``MASTER_ADDR`` (and ``MASTER_PORT`` where set), or when ``MASTER_ADDR``
            is a loopback address there while ranks run on other machines.
    """
    if world is None:
        try:
            from mpi4py import MPI
        except ImportError as error:
            raise StartUpError(
                "this process was started by an MPI launcher, but mpi4py is not "
                'installed. Install it with: pip install "graphkit[mpi]"'
            ) from error
        world = MPI.COMM_WORLD
    rank, size = world.Get_rank(), world.Get_size()
    # An empty MASTER_ADDR or MASTER_PORT counts as unset, as under srun.
    addr = unbracketed_address(os.environ.get("MASTER_ADDR", "")) or None
    hostnames = world.allgather(socket.gethostname())
    other_machines = sorted(set(hostnames) - {hostnames[0]})
    if addr is None:
        hosts = sorted(set(hostnames))
        if len(hosts) > 1:
            raise StartUpError(
                f"mpiexec started the {size} ranks on {len(hosts)} machines "
                f"({', '.join(hosts)}), but MASTER_ADDR is not set. Export MASTER_ADDR as "
                "the address of rank 0's machine that the others can reach (mpiexec "
                "-genv MASTER_ADDR ADDRESS, or -x MASTER_ADDR with Open MPI)",
                every_rank=True,
            )
        addr = "127.0.0.1"
    port = _master_port() if os.environ.get("MASTER_PORT") else None
    # Rank 0 checks that its store can listen before any rank connects. A rank that
    # raised alone would leave the others waiting in this broadcast, which has no
    # timeout, or let them reach another job's store on a port already in use.
    reply = world.bcast(
        _rank_zero_port(addr, port, other_machines) if rank == 0 else None, root=0
    )
    if isinstance(reply, str):
        raise StartUpError(
            f"rank {rank}: rank 0 failed to start the store: {reply}", every_rank=True
        )
    return rank, size, addr, reply if port is None else port


def _from_slurm() -> tuple[int, int, str, int]:
    """Read ``(rank, size, MASTER_ADDR, MASTER_PORT)`` in a Slurm step of several tasks.

    MPI decides where srun's MPI plugin set a rank variable and mpi4py is installed,
    and otherwise ``SLURM_PROCID`` and ``SLURM_STEP_NUM_TASKS`` do.
    """
    if slurm.has_mpi_rank():
        try:
            from mpi4py import MPI
        except ImportError:
            logger.debug("mpi4py is not installed, so srun's variables give the rank")
        else:
            rank, size, addr, port = _from_mpi(MPI.COMM_WORLD)
            slurm.check_mpi_world(size)
            return rank, size, addr, port
    rank, size = slurm.step_rank(), slurm.step_size()
    return rank, size, unbracketed_address(slurm.store_address()), _master_port()


def _integer_variable(name: str) -> int:
    """Return environment variable ``name`` as an integer, or raise ValueError naming it."""
    text = os.environ[name]
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"environment variable {name}={text!r} is not an integer. Unset it or let "
            "the launcher (torchrun, mpiexec) set it"
        ) from None


def _master_port() -> int:
    """Return ``MASTER_PORT`` after checking that it is a TCP port number."""
    port = _integer_variable("MASTER_PORT")
    if not 1 <= port <= 65535:
        raise ValueError(
            f"invalid MASTER_PORT={port}. A TCP port lies in [1, 65535], so pass a "
            "free port of rank 0's machine"
        )
    return port


def _check_mpi_size(name: str, launched: int, size: int) -> None:
    """Raise StartUpError when MPI's world is smaller than the launcher's rank count.

    ``launched`` is the value of the launcher's variable ``name``. It equals the world
    size, except for ``MPI_LOCALNRANKS``, which counts the ranks of one machine only.
    An mpi4py whose MPI library differs from the launcher's (an Open MPI ``mpirun``
    with an MPICH mpi4py) starts each rank as a world of 1, so every process would
    train the whole graph alone and write the same output files.
    """
    if size >= launched:
        return
    raise StartUpError(
        f"the MPI launcher set {name}={launched}, but MPI (mpi4py) reports a world "
        f"of {size}, so mpi4py was built for another MPI library than the launcher's. "
        "Start the ranks with the mpiexec of the MPI that mpi4py uses (python -m "
        "mpi4py --mpi-lib-version names it), or use torchrun",
        every_rank=True,
    )


def _environment() -> tuple[int, int, str, int]:
    env = os.environ
    if "RANK" in env and "WORLD_SIZE" in env:
        missing = [k for k in ("MASTER_ADDR", "MASTER_PORT") if k not in env]
        if missing:
            raise StartUpError(
                f"RANK and WORLD_SIZE are set but {', '.join(missing)} is not; start with "
                "torchrun or set MASTER_ADDR and MASTER_PORT"
            )
        rank, world_size = _integer_variable("RANK"), _integer_variable("WORLD_SIZE")
        if world_size < 1 or not 0 <= rank < world_size:
            # Without this check the process waits for a rendezvous that never
            # completes and fails only at the timeout.
            raise ValueError(
                f"invalid torchrun variables RANK={rank} and WORLD_SIZE={world_size}. "
                "WORLD_SIZE must be at least 1 and RANK must lie in [0, WORLD_SIZE), so "
                "start with torchrun, which sets both, or correct the values"
            )
        launcher, launched = world_size_variable()
        if world_size == 1 and launched > 1:
            # Each of the launched processes would train the whole graph alone.
            raise StartUpError(
                f"RANK={rank} and WORLD_SIZE=1 are set, as by torchrun, but "
                f"{launcher}={launched} shows that a launcher started {launched} "
                "processes, so each would train alone as a group of 1. Unset RANK and "
                "WORLD_SIZE, which an earlier torchrun session may have left in the "
                "shell, before starting with mpiexec or srun"
            )
        return rank, world_size, unbracketed_address(env["MASTER_ADDR"]), _master_port()
    name, world_size = world_size_variable()
    if name in MPI_SIZE_VARIABLES:
        rank, size, addr, port = _from_mpi()
        _check_mpi_size(name, world_size, size)
        return rank, size, addr, port
    if name == slurm.SIZE_VARIABLE:
        return _from_slurm()
    if name == "WORLD_SIZE":
        # graphkit train counts this as a distributed run, so without this check every
        # such process would train the whole graph alone, as a group of one.
        raise StartUpError(
            f"WORLD_SIZE={world_size} is set but RANK is not, so this process cannot "
            "determine its rank. Start with torchrun, which sets both, or unset WORLD_SIZE "
            "to train in one process"
        )
    return 0, 1, "127.0.0.1", 0


def check_gloo_interfaces(names: str | None = None) -> None:
    """Raise ValueError when ``GLOO_SOCKET_IFNAME`` names an interface this machine lacks.

    gloo takes one interface name or a comma-separated list of them. Without this check
    a wrong name, such as NCCL's exclusion syntax ``^lo`` or an IP address, stops
    gloo's start-up with "Unable to find address for" and does not name the variable.

    Args:
        names (str, optional): the variable's value. (default: ``GLOO_SOCKET_IFNAME``
            from the environment, where unset or empty means no check)
    """
    names = os.environ.get("GLOO_SOCKET_IFNAME") if names is None else names
    if not names:
        return
    present = [name for _, name in socket.if_nameindex()]
    unknown = [name for name in names.split(",") if name not in present]
    if unknown:
        raise ValueError(
            f"GLOO_SOCKET_IFNAME={names!r} is invalid because this machine has no "
            f"network interface named {', '.join(map(repr, unknown))}. Its interfaces "
            f"are {', '.join(present)}. Set GLOO_SOCKET_IFNAME to the name of the "
            "interface that reaches the other machines (or several, comma-separated), "
            "not an address or NCCL's ^ exclusion syntax, or unset it"
        )


@contextlib.contextmanager
def _interruptible_start_up():
    """Let SIGINT (Ctrl-C) and SIGTERM end the process at once while the ranks meet.

    The MPI exchange of addresses, the store connection and gloo's rendezvous wait in C
    or C++ without returning to Python. While a rank is missing, a Python signal handler
    would run only at the timeout (300 s by default), and never during mpi4py's
    collectives. Inside this block both signals get the system's default action, which
    ends the process. Nothing needs cleaning up there, because start-up writes no files.
    Only Python's own SIGINT handler and ``graphkit``'s SIGTERM handler (marked
    ``ends_process_at_start_up``) are replaced, and only in the main thread, where
    handlers can be set. A caller's own handler stays, and runs when the wait returns.
    """
    replaced = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(signum)
            if handler is signal.default_int_handler or getattr(
                handler, "ends_process_at_start_up", False
            ):
                replaced[signum] = handler
                signal.signal(signum, signal.SIG_DFL)
    try:
        yield
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)


def _group_device(backend: str, device: torch.device | str | None) -> torch.device:
    """Return the device of the group's tensors after checking that ``backend`` fits."""
    if device is None:
        if backend == "nccl":
            if not torch.cuda.is_available():
                raise ValueError(
                    "backend 'nccl' needs a CUDA device, but torch.cuda.is_available() "
                    "is False. Use backend 'gloo' with CPU tensors"
                )
            device = torch.device("cuda", torch.cuda.current_device())
        else:
            device = torch.device("cpu")
    device = torch.device(device)
    resolve_backend(backend, device.type)
    return device


def _adopt_group(
    timeout_s: float, backend: str, device: torch.device | str | None
) -> None:
    """Record the timeout and device for a group that the caller started.

    Raises:
        ValueError: ``backend`` is not the backend of that group.
    """
    started = dist.get_backend()
    # A group of several backends is named like "cpu:gloo,cuda:nccl".
    if backend not in {part.split(":")[-1] for part in started.split(",")}:
        raise ValueError(
            f"the process group was already started with backend {started!r}, but "
            f"backend {backend!r} was requested. Pass backend={started!r}, or let "
            "init_process_group start the group"
        )
    _state.update(timeout_s=timeout_s, device=_group_device(backend, device))


def _meet_ranks(
    rank: int,
    world_size: int,
    addr: str,
    port: int,
    backend: str,
    device: torch.device,
    timeout_s: float,
    attempt: str,
):
    """Connect to the store and start the heartbeat and the process group.

    Returns ``(store, heartbeat)``, with no heartbeat in a group of one.
    """
    if world_size == 1:
        store = dist.HashStore()
        heartbeat = None
    else:
        store, heartbeat, attempt = _connect_store(
            rank, world_size, addr, port, timeout_s, attempt
        )
    try:
        try:
            _start_group_with_deadline(
                store, rank, world_size, backend, device, timeout_s, attempt, addr, port
            )
        except dist.DistError as error:
            # The rendezvous waits for the address of every rank, so it times out when
            # a rank never started or cannot reach the store.
            raise _join_timeout(
                error, heartbeat, rank, world_size, addr, port, timeout_s
            ) from error
        if backend == "gloo" and world_size > 1:
            # gloo can return from connection set-up on one rank while a peer is still
            # finishing its own. If that rank then fails at once (for example on a
            # wrong partition folder) and destroys the group, the peer fails with
            # "Connection closed by peer" instead of its own error. The barrier waits
            # for every connection.
            dist.barrier()
    except BaseException:
        # init_process_group has not returned, so nothing else stops the heartbeat
        # thread or destroys a group that started before the barrier failed.
        if heartbeat is not None:
            heartbeat.stop()
        if dist.is_initialized():
            dist.destroy_process_group()
        raise
    return store, heartbeat


def _connect_store(
    rank: int, world_size: int, addr: str, port: int, timeout_s: float, attempt: str
):
    """Connect to rank 0's TCP store and return it with a started heartbeat.

    Returns ``(store, heartbeat, attempt)``, where ``attempt`` is the key prefix of
    this group's keys: the given one, plus a token agreed by all ranks on torchrun's
    store.
    """
    timeout = timedelta(seconds=timeout_s)
    agent_store = os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
    hosts_store = rank == 0 and not agent_store
    host = "torchrun's agent" if agent_store else "rank 0"
    # TCPStore's own timeout covers refused connections only, and overruns it by
    # its retry delay, so this deadline is longer.
    deadline_s = timeout_s + STORE_CONNECT_GRACE_S
    try:
        store = call_with_deadline(
            lambda: dist.TCPStore(
                addr,
                port,
                world_size,
                is_master=hosts_store,
                timeout=timeout,
                wait_for_workers=False,
                # TCPStore alone listens on every interface; this socket listens on
                # addr only.
                master_listen_fd=listen_socket(addr, port) if hosts_store else None,
            ),
            deadline_s,
            "the connection to the store",
        )
        # A second connection, so the heartbeat thread never shares a socket with
        # the process group.
        client = call_with_deadline(
            lambda: dist.TCPStore(addr, port, is_master=False, timeout=timeout),
            deadline_s,
            "the heartbeat's connection to the store",
        )
    except StoreTimeoutError as error:
        raise TimeoutError(
            f"rank {rank}: start-up timed out because the store of {host} at "
            f"MASTER_ADDR:MASTER_PORT = {addr}:{port} accepted the connection but did "
            f"not reply ({error}). {host[0].upper() + host[1:]} may be frozen, or "
            "another program may listen on that port. Check that MASTER_PORT is the "
            f"port of this job's store, or raise {option('timeout_s')}"
        ) from error
    except dist.DistError as error:
        raise TimeoutError(
            f"rank {rank}: start-up failed after up to {timeout_s:g} s because the "
            f"store of {host} at MASTER_ADDR:MASTER_PORT = {addr}:{port} could not "
            f"be reached ({error}). Start every rank with the same MASTER_ADDR and "
            "MASTER_PORT, check that this machine reaches that address, or raise "
            f"{option('timeout_s')}"
        ) from error
    if agent_store:
        # The agent's store outlives a restart, and the restart count may differ
        # between machines (see graphkit.distributed.attempt_keys).
        # store.set and store.check have no timeout (torch 2.13), so an agent that
        # stops replying now would block them for good. A working agent lets every
        # rank agree within timeout_s.
        try:
            token = call_with_deadline(
                lambda: agree_attempt(store, rank, world_size, timeout_s),
                timeout_s + STORE_CONNECT_GRACE_S,
                "the agreement on the attempt's keys",
            )
        except StoreTimeoutError as error:
            raise TimeoutError(
                f"rank {rank}: start-up timed out because the store of {host} at "
                f"MASTER_ADDR:MASTER_PORT = {addr}:{port} stopped replying ({error}, "
                f"{option('timeout_s')} = {timeout_s:g}). torchrun's agent may be "
                f"frozen or its machine unreachable. Check that process, or raise "
                f"{option('timeout_s')}"
            ) from error
        attempt = f"{attempt}/{token}"
    heartbeat = Heartbeat(
        dist.PrefixStore(attempt, client), rank, world_size, timeout_s, host
    )
    return store, heartbeat, attempt


def _start_group(
    store,
    rank: int,
    world_size: int,
    backend: str,
    device: torch.device,
    timeout_s: float,
    attempt: str,
) -> None:
    """Start torch's default process group on ``store``, under this attempt's keys.

    The rendezvous inside ``init_process_group`` calls ``store.set`` and
    ``store.add``, which block past ``timeout_s`` (torch 2.13) when the store's host
    stops replying after :func:`_connect_store` connected, so
    :func:`_start_group_with_deadline` bounds this call.
    """
    # nccl with device_id creates its communicator now, on the bound GPU, instead of
    # at the first operation (where batch_isend_irecv would need every rank to take
    # part). Older torch releases lack the argument and create it at the first
    # collective.
    binds = "device_id" in inspect.signature(dist.init_process_group).parameters
    # torch.distributed.nn.functional stores the default group in default
    # argument values (group=group.WORLD) when it is first imported, and
    # torch._dynamo imports it through torch.distributed.fsdp. Imported after the
    # group starts, it keeps the group alive after destroy_process_group, so gloo's
    # worker threads run on into interpreter shutdown. A worker that then frees a
    # finished operation's tensor needs the GIL, is unwound by Python's thread
    # exit, and aborts the process ("terminate called without an active
    # exception", seen with torch 2.13 and Python 3.11). Imported now, it stores
    # None.
    import torch.distributed.nn  # noqa: F401
    bound = {"device_id": device} if backend == "nccl" and binds else {}
    dist.init_process_group(
        backend,
        store=dist.PrefixStore(f"{attempt}/pg", store),
        rank=rank,
        world_size=world_size,
        timeout=timedelta(seconds=timeout_s),
        **bound,
    )


def _start_group_with_deadline(
    store, rank, world_size, backend, device, timeout_s, attempt, addr, port
) -> None:
    """Run :func:`_start_group`, giving up after ``2 * timeout_s`` plus a grace period.

    The rendezvous waits up to ``timeout_s`` for the other ranks' addresses and again
    for their connections, so a working group meets within twice the timeout.
    ``store.set`` and ``store.add`` have no timeout (torch 2.13), so a store host that
    stops replying after the connection would otherwise block this rank for good.

    Raises:
        TimeoutError: the rendezvous did not end by then. The message names the store
            address, its host and the timeout.
    """
    deadline_s = 2 * timeout_s + STORE_CONNECT_GRACE_S
    host = (
        "torchrun's agent"
        if os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
        else "rank 0"
    )
    try:
        call_with_deadline(
            lambda: _start_group(
                store, rank, world_size, backend, device, timeout_s, attempt
            ),
            deadline_s,
            "the rendezvous",
        )
    except StoreTimeoutError as error:
        raise TimeoutError(
            f"rank {rank}: start-up timed out because the store of {host} at "
            f"MASTER_ADDR:MASTER_PORT = {addr}:{port} stopped replying during the "
            f"rendezvous ({error}, {option('timeout_s')} = {timeout_s:g}). "
            f"{host[0].upper() + host[1:]} may be frozen or its machine unreachable. "
            f"Check that process, or raise {option('timeout_s')}"
        ) from error


def _join_timeout(
    error: Exception,
    heartbeat: Heartbeat | None,
    rank: int,
    world_size: int,
    addr: str,
    port: int,
    timeout_s: float,
) -> TimeoutError:
    """Build the error for a rendezvous that timed out, naming the absent ranks."""
    absent = heartbeat.absent_ranks() if heartbeat is not None else None
    missing = "some rank" if not absent else "rank " + ", ".join(map(str, absent))
    return TimeoutError(
        f"rank {rank}: start-up timed out after {timeout_s:g} s because "
        f"{missing} of WORLD_SIZE={world_size} did not join the process group "
        f"at MASTER_ADDR:MASTER_PORT = {addr}:{port} ({error}). Start all "
        f"{world_size} processes with the same MASTER_ADDR, MASTER_PORT and "
        f"WORLD_SIZE, or raise {option('timeout_s')}"
    )


def init_process_group(
    timeout_s: float = 300.0,
    backend: str = "gloo",
    device: torch.device | str | None = None,
) -> tuple[int, int]:
    """Start the process group once and return ``(rank, world_size)``.

    A group that the caller started with ``torch.distributed`` is kept, and
    ``timeout_s`` and ``device`` then apply to graphkit's operations on it.

    Args:
        timeout_s (float): timeout of every collective and point-to-point operation,
            and of the rendezvous. (default: ``300``)
        backend (str): ``"gloo"`` (CPU tensors) or ``"nccl"`` (CUDA tensors).
            (default: ``"gloo"``)
        device (torch.device or str, optional): the device of this rank's tensors.
            nccl binds the group to it (``device_id``), so call
            ``torch.cuda.set_device`` with it first (as
            :func:`graphkit.distributed.device.select_device` does).
            (default: CPU for gloo, the current CUDA device for nccl)

    Raises:
        ValueError: ``backend`` cannot communicate tensors of ``device`` (nccl with a
            CPU device, gloo with a CUDA device), or ``GLOO_SOCKET_IFNAME`` names an
            interface that this machine lacks.
        TimeoutError: a rank did not join, or rank 0's store was unreachable, within
            ``timeout_s``.
        StartUpError: the launcher's variables are incomplete, mpi4py is missing
            under mpiexec, or rank 0 cannot listen on ``MASTER_ADDR``.

    TODO: The nccl path has not been run on GPUs. Start a 2-rank nccl job on GPUs
    and compare it with gloo before relying on it.
    """
    if dist.is_initialized():
        if "device" not in _state:
            _adopt_group(timeout_s, backend, device)
        return dist.get_rank(), dist.get_world_size()
    device = _group_device(backend, device)
    with _interruptible_start_up():
        # Under mpiexec, _environment waits in mpi4py's allgather and broadcast.
        rank, world_size, addr, port = _environment()
    if backend == "gloo" and world_size > 1:
        check_gloo_interfaces()
        choose_gloo_interface(addr)
    # torchrun keeps its store across restarts (--max-restarts) and across the groups
    # that one worker starts after destroying the previous one, so each restart and
    # each group uses its own keys. Otherwise gloo would read the addresses of the
    # previous group's ranks, and the heartbeat would count their alive keys.
    # _connect_store adds a token that names the restart on torchrun's store.
    attempt = f"graphkit/group{next(_group_numbers)}"
    with _interruptible_start_up():
        store, heartbeat = _meet_ranks(
            rank, world_size, addr, port, backend, device, timeout_s, attempt
        )
    _state.update(store=store, heartbeat=heartbeat, timeout_s=timeout_s, device=device)
    # Shut down in order at exit: a heartbeat thread or process group still running while
    # the interpreter finalises can abort the process (SIGABRT) after a finished run.
    atexit.register(destroy_process_group)
    logger.debug(
        "process group %s on %s started: rank %d of %d",
        backend,
        device,
        rank,
        world_size,
    )
    return rank, world_size


def communicator() -> Communicator:
    """Return a :class:`Communicator` over the group of :func:`init_process_group`."""
    if not dist.is_initialized():
        raise RuntimeError("call init_process_group() before communicator()")
    return Communicator(
        None,
        _state.get("timeout_s", 300.0),
        _state.get("heartbeat"),
        _state.get("device", "cpu"),
    )


def _keep_group_to_exit() -> None:
    """Leave the default group running until the process exits, never destroying it.

    A Ctrl-C or SIGTERM that interrupted :func:`~graphkit.distributed.comm.wait_works`
    leaves a gloo operation waiting for a peer (one stopped or slow). gloo's destructor
    joins the thread that runs it, so destroying the group, or the interpreter freeing
    it at exit, would block until the group's timeout. One extra reference, never
    released, keeps the destructor from running; the operating system frees the rest.
    """
    group = dist.group.WORLD
    if group is not None:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(group))
    logger.debug("an interrupted operation is still waiting, so the group stays alive")
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized():
        # mpi4py's MPI_Finalize at exit waits for every rank, the stopped one too
        # (MPICH 4). MPI_Abort instead ends this process and has mpiexec end the rest.
        mpi._set_abort_status(130)


def destroy_process_group(synchronize: bool = False) -> None:
    """Stop the heartbeat and destroy the process group.

    Safe to call when no heartbeat or process group is running.

    Args:
        synchronize (bool): after stopping this rank's heartbeat, wait at a barrier
            until every rank has stopped its own, then tear the group down. Rank 0
            hosts the store that the other ranks' heartbeat threads write to, so
            this keeps it running until no rank uses it. Pass True only where every
            rank ends normally, because after a failure the barrier waits for the
            missing rank until the group's timeout. (default: ``False``)
    """
    heartbeat = _state.pop("heartbeat", None)
    if heartbeat is not None:
        heartbeat.stop()
    if dist.is_initialized() and waits_left_behind():
        _keep_group_to_exit()
    elif dist.is_initialized():
        if synchronize and dist.get_world_size() > 1:
            try:
                dist.barrier()
            except RuntimeError as error:
                # A rank left early, so destroy the group without it.
                logger.warning(
                    "rank %d: barrier before shutdown failed, destroying the process "
                    "group anyway: %s",
                    dist.get_rank(),
                    error,
                )
        dist.destroy_process_group()
    _state.clear()
