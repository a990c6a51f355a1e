"""Printing a PermutohedralLattice shows its point count, dimension and vertex count."""

import torch

from graphkit.lattice import PermutohedralLattice


def test_lattice_repr_counts():
    # In 2-d each point lands on the 3 corners of its enclosing simplex. Points 100
    # standard deviations apart share no corner, so the lattice has 2 * 3 = 6 vertices.
    lattice = PermutohedralLattice(torch.tensor([[0.0, 0.0], [100.0, 0.0]]))
    assert repr(lattice) == "PermutohedralLattice(num_points=2, dim=2, num_vertices=6)"
