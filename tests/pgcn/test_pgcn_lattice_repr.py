"""Printing a PermutohedralLattice shows its point count, dimension and vertex count."""

import torch

from graphkit.lattice import PermutohedralLattice


def test_lattice_repr_counts():
    # Two points 100 standard deviations apart share no vertex: each of the 3
    # corners of its 2-d simplex is its own, so the lattice has 6 vertices.
    lattice = PermutohedralLattice(torch.tensor([[0.0, 0.0], [100.0, 0.0]]))
    assert repr(lattice) == "PermutohedralLattice(num_points=2, dim=2, num_vertices=6)"
