"""Catalog of ``graphkit.extras`` experiments: one line each, readable without imports.

``graphkit extras list`` prints these lines, and ``register`` in
:mod:`graphkit.extras.registration` raises when a module's registration differs from
its line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """An experiment's line in ``graphkit extras list``, available without an import."""

    name: str
    module: str
    title: str
    summary: str
    issue_group: int


# Every experiment, one line each, in the order ``discover()`` imports the modules.
# ``graphkit extras list`` prints these lines and imports nothing, because every
# experiment module imports torch (about 1 CPU s). So each line repeats the arguments
# of its module's ``register(...)`` call, and ``register`` raises when they differ.
_SPIKING = "graphkit.extras.spiking."
_EFFICIENT = "graphkit.extras.efficient."
CATALOG: tuple[Listing, ...] = (
    # spiking networks and local learning
    Listing(
        "surrogate_snn",
        _SPIKING + "surrogate_snn",
        "Surrogate gradient learning in spiking neural networks",
        "LIF network trained by BPTT with a fast-sigmoid surrogate; true derivative fails",
        12,
    ),
    Listing(
        "decolle",
        _SPIKING + "decolle",
        "Synaptic plasticity dynamics for deep continuous local learning (DECOLLE)",
        "3-layer LIF network trained online by fixed random local readouts",
        12,
    ),
    Listing(
        "local_errors",
        _SPIKING + "local_errors",
        "Deep supervised learning using local errors",
        "MLP layers trained only by fixed random local classifiers; vs BP and FA",
        12,
    ),
    Listing(
        "wta_stochastic",
        _SPIKING + "wta_stochastic",
        "A learning framework for winner-take-all networks with stochastic synapses",
        "WTA layers with failing synapses complete the bottom half of digits",
        12,
    ),
    Listing(
        "pipelined_ternary",
        _SPIKING + "pipelined_ternary",
        "Hardware-efficient on-line learning through pipelined truncated-error "
        "backpropagation in binary-state networks",
        "binary MLP learns online with ternary errors through a pipeline; no multiplies",
        12,
    ),
    Listing(
        "temporal_coding",
        _SPIKING + "temporal_coding",
        "Supervised learning based on temporal coding in spiking neural networks",
        "non-leaky IF network trained on closed-form first-spike times",
        12,
    ),
    Listing(
        "quasiperiodic",
        _SPIKING + "quasiperiodic",
        "Stochastic interpretation of quasi-periodic event-based systems",
        "oscillator-driven FSM neurons sample a 6x4 RBM without random numbers",
        12,
    ),
    # efficient inference: quantization, sparsity, token pruning, upsampling
    Listing(
        "mfqat",
        _EFFICIENT + "mfqat",
        "MF-QAT: Multi-Format Quantization-Aware Training for Elastic Inference",
        "MX fake-quant QAT over several formats vs single-format specialists; "
        "Slice-and-Scale",
        11,
    ),
    Listing(
        "dirotq",
        _EFFICIENT + "dirotq",
        "DiRotQ: Rotation-Aware Quantization for 4-bit Diffusion Transformers",
        "PCA + random rotation, top subspace in 16 bit, GPTQ W4A4 on a tiny digits DiT",
        11,
    ),
    Listing(
        "onebit",
        _EFFICIENT + "onebit",
        "Single-bit-per-weight deep CNNs without batch-normalization layers",
        "sign weights with fixed He-scale per layer and shifted ReLU instead of batch norm",
        11,
    ),
    Listing(
        "dsr",
        _EFFICIENT + "dsr",
        "Parameter Efficient Training of Deep CNNs by Dynamic Sparse Reparameterization",
        "global adaptive pruning threshold with cross-layer regrowth vs static sparse "
        "and SET",
        11,
    ),
    Listing(
        "nullhop",
        _EFFICIENT + "nullhop",
        "NullHop: A Flexible CNN Accelerator Based on Sparse Representations of "
        "Feature Maps",
        "sparsity-map + non-zero-value encoding; MACs, cycles, efficiency on a trained "
        "ReLU CNN",
        11,
    ),
    Listing(
        "eas",
        _EFFICIENT + "eas",
        "Early Attentive Sparsification Accelerates Neural Speech Transcription",
        "drop frames by attention received at an early encoder layer; error vs speed-up",
        11,
    ),
    Listing(
        "attn_upsample",
        _EFFICIENT + "attn_upsample",
        "Attention-based Image Upsampling",
        "content-dependent attention kernel vs strided transposed convolution for 2x SR",
        11,
    ),
    # FloorSet, dynamic scene graphs, federated learning
    Listing(
        "floorset",
        "graphkit.extras.floorset.experiment",
        "FloorSet - a VLSI Floorplanning Dataset with Design Constraints of Real-World "
        "SoCs",
        "ICCAD-2026 FloorSet contest evaluator (iccad2026_evaluate.py), revision "
        "2026-04-19, spec v9 on reference, random and baseline layouts; Prime "
        "references also under the FloorSet original evaluator (cost.py "
        "estimate_cost, utils.py checks)",
        13,
    ),
    Listing(
        "dsgdetr",
        "graphkit.extras.dsg.dsgdetr",
        "Exploiting Long-Term Dependencies for Generating Dynamic Scene Graphs",
        "Hungarian tracklets + temporal transformers against a per-frame model on "
        "synthetic video",
        13,
    ),
    Listing(
        "fedrep",
        "graphkit.extras.federated.fedrep",
        "Robust Federated Learning Through Representation Matching and Adaptive "
        "Hyper-parameters",
        "digits over 20 two-class clients: FedAvg, representation matching, "
        "REINFORCE LR",
        13,
    ),
)

# The modules that ``discover()`` imports, in catalog order.
EXPERIMENT_MODULES: tuple[str, ...] = tuple(
    dict.fromkeys(listing.module for listing in CATALOG)
)

