"""Fixtures of the multi-node tests: namespaces as machines, removed after each test."""

from __future__ import annotations

import pytest
from multinode_net import NamespaceNet, leftover_namespaces, namespaces_unavailable


@pytest.fixture(scope="session")
def namespaces_permitted() -> None:
    reason = namespaces_unavailable()
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture
def machines(namespaces_permitted):
    """Return a function ``make(count, rate_mbit=None)`` building a :class:`NamespaceNet`.

    Every net built through it is closed after the test, also when the test fails, and
    the test then checks that none of its namespaces is left.
    """
    nets: list[NamespaceNet] = []

    def make(count: int, rate_mbit: float | None = None) -> NamespaceNet:
        net = NamespaceNet(count, rate_mbit)
        nets.append(net)
        return net

    yield make
    for net in nets:
        net.close()
    for net in nets:
        assert leftover_namespaces(net.prefix) == [], f"namespaces left: {net.prefix}*"
