"""Spiking networks and local learning rules: neuron models and seven experiments.

Shared pieces:

* :mod:`.neurons`: spike functions with surrogate derivatives, the current-based LIF
  step, the DECOLLE LIF step with its traces, and the closed-form spike time of the
  non-leaky integrate-and-fire neuron.
* :mod:`.encoders`: latency and Poisson spike codes for images.

Experiments (each a module with ``Config``, ``run`` and ``criteria``):
``surrogate_snn``, ``decolle``, ``local_errors``, ``wta_stochastic``,
``pipelined_ternary``, ``temporal_coding`` and ``quasiperiodic``.
"""
