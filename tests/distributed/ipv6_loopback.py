"""A skip marker for tests that need the IPv6 loopback address ``::1``."""

import socket

import pytest


def has_ipv6_loopback() -> bool:
    """Return whether a TCP socket can bind ``::1`` on this machine."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(
    not has_ipv6_loopback(), reason="this machine has no IPv6 loopback address ::1"
)
