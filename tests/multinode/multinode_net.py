"""Network namespaces that act as separate machines on one host, for multi-node tests.

:class:`NamespaceNet` builds one namespace per machine and a switch namespace holding
a Linux bridge. Each machine gets a veth pair whose near end (``gkv<i>``) lies in the
machine's namespace, with address ``10.231.0.<i + 1>/24``, and whose far end is a port
of the bridge. Nothing is added to the host's own namespace, so the addresses cannot
clash with the host's networks or with another test run (each run uses its own
namespace names, prefixed ``gk<pid>``).

Optional ``tc`` token-bucket (tbf) shaping limits the egress of every machine's
interface, so each machine sends at most ``rate_mbit`` Mbit/s, as a full-duplex NIC of
that speed would.

:meth:`NamespaceNet.close` kills every process started through :meth:`start` (by
process group) and any other process still inside the namespaces, then deletes the
namespaces, which removes their interfaces.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger(__name__)

SUBNET = "10.231.0"
_serial = iter(range(1 << 30))


class NamespaceError(RuntimeError):
    """An ``ip`` or ``tc`` command failed."""


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["ip", *args], check=False, capture_output=True, text=True, timeout=30
    )
    if check and result.returncode != 0:
        raise NamespaceError(f"'ip {' '.join(args)}' failed: {result.stderr.strip()}")
    return result


def namespaces_unavailable() -> str | None:
    """Return why namespaces cannot be created here, or None when they can."""
    if sys.platform != "linux":
        return f"network namespaces need Linux, this is {sys.platform}"
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            return f"'{tool}' not found: install iproute2 to run multi-node tests"
    probe = f"gk{os.getpid()}probe"
    result = _ip("netns", "add", probe, check=False)
    if result.returncode != 0:
        return (
            f"cannot create a network namespace (needs root): {result.stderr.strip()}"
        )
    try:
        veth = _ip(
            "-n",
            probe,
            "link",
            "add",
            "gkp0",
            "type",
            "veth",
            "peer",
            "name",
            "gkp1",
            check=False,
        )
        if veth.returncode != 0:
            return f"cannot create a veth pair: {veth.stderr.strip()}"
    finally:
        _ip("netns", "del", probe, check=False)
    return None


class NamespaceNet:
    """``count`` machines on one bridge, each in its own network namespace.

    Args:
        count (int): number of machines.
        rate_mbit (float, optional): egress limit of every machine in Mbit/s
            (``tc`` tbf); None leaves the links unshaped. (default: None)
        prefix (str, optional): namespace name prefix (default: ``gk<pid>``).
    """

    def __init__(
        self, count: int, rate_mbit: float | None = None, prefix: str | None = None
    ) -> None:
        self.count = count
        self.prefix = prefix or f"gk{os.getpid()}x{next(_serial)}"
        self.switch = f"{self.prefix}sw"
        self.machines = [f"{self.prefix}n{i}" for i in range(count)]
        self.processes: list[subprocess.Popen] = []
        self._created: list[str] = []
        try:
            self._build()
            if rate_mbit is not None:
                self.shape(rate_mbit)
        except BaseException:
            self.close()
            raise

    # Addresses and names -------------------------------------------------------------
    def address(self, machine: int) -> str:
        return f"{SUBNET}.{machine + 1}"

    def interface(self, machine: int) -> str:
        return f"gkv{machine}"

    # Construction --------------------------------------------------------------------
    def _add_namespace(self, name: str) -> None:
        _ip("netns", "add", name)
        self._created.append(name)
        _ip("-n", name, "link", "set", "lo", "up")

    def _build(self) -> None:
        self._add_namespace(self.switch)
        _ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        _ip("-n", self.switch, "link", "set", "br0", "up")
        for i, name in enumerate(self.machines):
            self._add_namespace(name)
            # Both ends are created directly inside their namespaces.
            _ip(
                "link",
                "add",
                self.interface(i),
                "netns",
                name,
                "type",
                "veth",
                "peer",
                "name",
                f"port{i}",
                "netns",
                self.switch,
            )
            _ip("-n", self.switch, "link", "set", f"port{i}", "master", "br0")
            _ip("-n", self.switch, "link", "set", f"port{i}", "up")
            _ip(
                "-n",
                name,
                "addr",
                "add",
                f"{self.address(i)}/24",
                "dev",
                self.interface(i),
            )
            _ip("-n", name, "link", "set", self.interface(i), "up")
        logger.debug("created namespaces %s", self._created)

    def shape(self, rate_mbit: float) -> None:
        """Limit every machine's egress to ``rate_mbit`` Mbit/s with a token bucket."""
        # The bucket holds 1 ms of traffic at the rate (at least 64 KiB, so a burst of
        # full-size segments passes), and packets wait at most 50 ms in the queue.
        burst = max(65536, int(rate_mbit * 1e6 / 8 / 1000))
        for i, name in enumerate(self.machines):
            command = [
                "ip",
                "netns",
                "exec",
                name,
                "tc",
                "qdisc",
                "replace",
                "dev",
                self.interface(i),
                "root",
                "tbf",
                "rate",
                f"{rate_mbit}mbit",
                "burst",
                str(burst),
                "latency",
                "50ms",
            ]
            result = subprocess.run(
                command, check=False, capture_output=True, text=True, timeout=30
            )
            if result.returncode != 0:
                raise NamespaceError(
                    f"tc tbf shaping failed in {name}: {result.stderr.strip()}"
                )

    # Processes -----------------------------------------------------------------------
    def start(
        self, machine: int, argv: list[str], env: dict[str, str], log: Path
    ) -> subprocess.Popen:
        """Start ``argv`` inside machine ``machine`` with ``env``; output goes to ``log``."""
        command = ["ip", "netns", "exec", self.machines[machine], *argv]
        with open(log, "wb") as stream:
            proc = subprocess.Popen(
                command,
                env=env,
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(proc)
        return proc

    def link_down(self, machine: int) -> None:
        """Take machine ``machine``'s interface down, as an unplugged cable would."""
        _ip(
            "-n", self.machines[machine], "link", "set", self.interface(machine), "down"
        )

    def pids(self, name: str) -> list[int]:
        result = _ip("netns", "pids", name, check=False)
        return [int(p) for p in result.stdout.split()]

    # Clean-up ------------------------------------------------------------------------
    def close(self) -> None:
        """Kill the processes started here and delete every namespace created here."""
        for proc in self.processes:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                logger.warning("process %d did not exit after SIGKILL", proc.pid)
        for name in self._created:
            # A worker that left its process group would keep the namespace alive.
            for pid in self.pids(name):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        while any(self.pids(n) for n in self._created) and time.monotonic() < deadline:
            time.sleep(0.1)
        for name in reversed(self._created):
            _ip("netns", "del", name, check=False)
        self._created.clear()


def leftover_namespaces(prefix: str) -> list[str]:
    """Names of existing namespaces starting with ``prefix``."""
    listed = _ip("netns", "list", check=False).stdout.split("\n")
    return [line.split()[0] for line in listed if line.startswith(prefix)]
