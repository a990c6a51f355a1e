"""Without GLOO_SOCKET_IFNAME, start-up picks the interface towards MASTER_ADDR.

gloo binds the address of the machine's name, which ``/etc/hosts`` often maps to a
loopback address that other machines cannot reach.
"""

import socket

import pytest
from graphkit.distributed import gloo_interface
from graphkit.distributed.gloo_interface import (
    choose_gloo_interface,
    gloo_default_is_loopback,
    interface_of,
    source_address,
)

has_lo = pytest.mark.skipif(
    "lo" not in [name for _, name in socket.if_nameindex()],
    reason="this machine has no loopback interface named lo",
)


def test_localhost_name_binds_loopback():
    assert gloo_default_is_loopback("localhost") is True


def test_unknown_name_falls_back_to_loopback():
    assert gloo_default_is_loopback("no-such-host.invalid") is True


def test_loopback_route_source():
    assert source_address("127.0.0.1") == "127.0.0.1"


@has_lo
def test_loopback_interface_found():
    assert interface_of("127.0.0.1") == "lo"


def test_unknown_address_has_no_interface():
    # An address of TEST-NET-2 (RFC 5737), which no interface of a test machine has.
    assert interface_of("198.51.100.203") is None


def _unset(monkeypatch) -> None:
    # setenv first, so that the value choose_gloo_interface sets is undone after the
    # test. delenv of an absent variable records nothing to undo.
    monkeypatch.setenv("GLOO_SOCKET_IFNAME", "")
    monkeypatch.delenv("GLOO_SOCKET_IFNAME")


def test_variable_set_is_kept(monkeypatch):
    monkeypatch.setenv("GLOO_SOCKET_IFNAME", "lo")
    monkeypatch.setattr(gloo_interface, "gloo_default_is_loopback", lambda: True)
    assert choose_gloo_interface("127.0.0.1") is None
    assert gloo_interface.os.environ["GLOO_SOCKET_IFNAME"] == "lo"


def test_one_machine_left_alone(monkeypatch):
    _unset(monkeypatch)
    monkeypatch.setattr(gloo_interface, "gloo_default_is_loopback", lambda: True)
    assert choose_gloo_interface("127.0.0.1") is None
    assert "GLOO_SOCKET_IFNAME" not in gloo_interface.os.environ


def test_routable_default_left_alone(monkeypatch):
    _unset(monkeypatch)
    monkeypatch.setattr(gloo_interface, "gloo_default_is_loopback", lambda: False)
    monkeypatch.setattr(gloo_interface, "source_address", lambda addr: "10.0.0.5")
    assert choose_gloo_interface("10.0.0.1") is None
    assert "GLOO_SOCKET_IFNAME" not in gloo_interface.os.environ


def test_loopback_default_gets_route_interface(monkeypatch):
    _unset(monkeypatch)
    monkeypatch.setattr(gloo_interface, "gloo_default_is_loopback", lambda: True)
    monkeypatch.setattr(gloo_interface, "source_address", lambda addr: "10.0.0.5")
    monkeypatch.setattr(
        gloo_interface, "interface_of", lambda address: {"10.0.0.5": "eth7"}[address]
    )
    assert choose_gloo_interface("10.0.0.1") == "eth7"
    assert gloo_interface.os.environ["GLOO_SOCKET_IFNAME"] == "eth7"


def test_missing_interface_warns(monkeypatch, caplog):
    _unset(monkeypatch)
    monkeypatch.setattr(gloo_interface, "gloo_default_is_loopback", lambda: True)
    monkeypatch.setattr(gloo_interface, "source_address", lambda addr: "10.0.0.5")
    monkeypatch.setattr(gloo_interface, "interface_of", lambda address: None)
    assert choose_gloo_interface("10.0.0.1") is None
    assert "GLOO_SOCKET_IFNAME" not in gloo_interface.os.environ
    assert "no interface with address 10.0.0.5" in caplog.text
