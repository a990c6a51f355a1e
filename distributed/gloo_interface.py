"""The network interface of gloo's connections when ``GLOO_SOCKET_IFNAME`` is unset.

Without ``GLOO_SOCKET_IFNAME``, torch's gloo (2.13) binds the first address of this
machine's name that it can bind, or the loopback address when the name does not
resolve. Debian and Ubuntu installs often map the machine's name to 127.0.1.1 in
``/etc/hosts``, and some containers to 127.0.0.1. Each rank then announces a loopback
address, and a rank on another machine fails with "Gloo connectFullMesh failed ...
Connection refused, remote=[127.0.0.1]".

:func:`choose_gloo_interface` sets ``GLOO_SOCKET_IFNAME`` in that case to the
interface that carries this machine's traffic to ``MASTER_ADDR``, which every rank
reaches already. Linux only: elsewhere the interface is not found and nothing changes.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import struct

logger = logging.getLogger(__name__)

# ioctl(2) request that returns an interface's IPv4 address (Linux).
_SIOCGIFADDR = 0x8915
# Maximum length of an interface name, with its terminating zero byte (IFNAMSIZ on
# Linux).
_IFNAMSIZ = 16


def gloo_default_is_loopback(hostname: str | None = None) -> bool:
    """Return whether gloo, without ``GLOO_SOCKET_IFNAME``, would bind a loopback address.

    This repeats torch's choice: the first address of ``hostname`` (default: this
    machine's name) that a socket can bind, else the loopback address.
    """
    hostname = socket.gethostname() if hostname is None else hostname
    try:
        candidates = socket.getaddrinfo(hostname, None, type=socket.SOCK_STREAM)
    except OSError:
        return True
    for family, kind, proto, _, address in candidates:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.bind((address[0], 0, *address[2:]))
        except OSError:
            continue
        return ipaddress.ip_address(address[0].split("%")[0]).is_loopback
    return True


def source_address(destination: str) -> str | None:
    """Return this machine's address on the route to ``destination``, None if unknown.

    Connecting a UDP socket picks the route and sends no packet.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            destination, 9, type=socket.SOCK_DGRAM
        )[0]
        with socket.socket(family, kind, proto) as sock:
            sock.connect(address)
            return sock.getsockname()[0].split("%")[0]
    except OSError:
        return None


def interface_of(address: str) -> str | None:
    """Return the name of the interface that has ``address``, None if none is found.

    IPv4 addresses are matched against each interface's primary address, and IPv6
    addresses against ``/proc/net/if_inet6``.
    """
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        try:
            with open("/proc/net/if_inet6") as table:
                for line in table:
                    fields = line.split()
                    if len(fields) == 6 and int(fields[0], 16) == int(ip):
                        return fields[5]
        except OSError:
            return None
        return None
    try:
        # fcntl exists on POSIX systems only, and a top-level import would make the
        # start-up module fail to import elsewhere.
        import fcntl
    except ImportError:
        return None
    for _, name in socket.if_nameindex():
        request = struct.pack(f"{_IFNAMSIZ}s", name.encode()[: _IFNAMSIZ - 1])
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                reply = fcntl.ioctl(sock.fileno(), _SIOCGIFADDR, request + bytes(24))
        except OSError:
            continue  # an interface without an IPv4 address
        # The reply is a struct ifreq: the name, then a sockaddr_in whose address
        # starts 4 bytes in.
        if socket.inet_ntoa(reply[_IFNAMSIZ + 4 : _IFNAMSIZ + 8]) == address:
            return name
    return None


def choose_gloo_interface(master_addr: str) -> str | None:
    """Set ``GLOO_SOCKET_IFNAME`` to the interface towards ``master_addr`` where needed.

    Nothing changes when the variable is set, when gloo's default address is not a
    loopback address, or when the route to ``master_addr`` is a loopback route (all
    ranks on this machine). Returns the interface set, else None.
    """
    if os.environ.get("GLOO_SOCKET_IFNAME") or not gloo_default_is_loopback():
        return None
    source = source_address(master_addr)
    if source is None or ipaddress.ip_address(source).is_loopback:
        return None
    name = interface_of(source)
    if name is None:
        logger.warning(
            "this machine's name resolves to a loopback address, so gloo may announce "
            "it to the other ranks, and no interface with address %s (the route to "
            "MASTER_ADDR=%s) was found. Set GLOO_SOCKET_IFNAME if start-up fails with "
            "'Connection refused'",
            source,
            master_addr,
        )
        return None
    os.environ["GLOO_SOCKET_IFNAME"] = name
    logger.info(
        "GLOO_SOCKET_IFNAME=%s (address %s, the route to MASTER_ADDR=%s), because this "
        "machine's name resolves to a loopback address that other machines cannot reach",
        name,
        source,
        master_addr,
    )
    return name
