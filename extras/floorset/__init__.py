"""FloorSet floorplanning: data loader, contest evaluator, layout plot and a baseline placer.

FloorSet (Mallappa, Mostafa, Galkin, Phielipp, Majumdar, "FloorSet - a VLSI
Floorplanning Dataset with Design Constraints of Real-World SoCs", ICCAD 2024,
arXiv:2405.05480) ships layouts of 21 to 120 blocks with area targets, placement
constraints and nets. The evaluator follows the ICCAD-2026 contest scoring of the
FloorSet repository as revised on 2026-04-19 (contest specification v9).
"""
