"""Building blocks shared by the ``graphkit.extras`` experiments (data, training, quantizers,
sparse masks, GPTQ); see the package docstring of ``graphkit.extras`` for the list."""
