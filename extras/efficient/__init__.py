"""Efficient-inference experiments: MX quantization-aware training (MF-QAT), rotation
quantization (DiRotQ), single-bit weights, dynamic sparse reparameterization, the
NullHop sparse accelerator model, early attentive token sparsification and
attention-based upsampling."""
