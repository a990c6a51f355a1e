"""graphkit.extras: non-graph papers, each a small experiment run by one launcher.

Usage::

    graphkit extras list
    graphkit extras run mfqat --smoke --set epochs=3 --json out.json
    graphkit extras run all --smoke

The experiment contract (``Config`` dataclass with ``smoke()``, ``run(config)`` returning
metrics, ``criteria(metrics)`` returning ``Criterion`` objects, ``@register``) is described
at the top of ``graphkit.extras.registry``, and ``CATALOG`` in ``graphkit.extras.catalog``
lists every experiment.

Shared building blocks (stable names; other experiments import them):

``graphkit.extras.common.data``
    ``load_digits_split(seed, test_size, scaling, images) -> DigitsSplit`` (fixed stratified
    1,437/360 split of scikit-learn digits), ``load_gray_image(name)``,
    ``sample_patches(names, patch_size, count, seed)`` (scikit-image sample images),
    ``SKIMAGE_IMAGES``.
``graphkit.extras.common.train``
    ``seed_everything(seed) -> Generator``, ``minibatches``, ``train_classifier(model, x, y,
    epochs, lr, batch_size, optimizer, weight_decay, cosine, generator, loss_fn,
    after_step)``, ``predict``, ``accuracy`` (percent), ``psnr`` (dB).
``graphkit.extras.common.quant``
    MX formats: ``ELEMENT_FORMATS``, ``MX_FORMATS``, ``element_format``,
    ``quantize_element``, ``mx_encode -> MXTensor``, ``quantize_mx``, ``quantize_mx_ste``,
    ``slice_and_scale``; INT grids: ``int_scale_zero``, ``quantize_int``,
    ``quantize_int_groups``; ``ste``, ``sign_ste``, ``ternarize``.
``graphkit.extras.common.sparse``
    ``random_mask``, ``grow_random``, ``magnitude_prune``, ``density``, ``MaskedLinear``.
``graphkit.extras.common.gptq``
    ``gptq_quantize(weight, hessian, bits, group_size, ...)`` and ``input_hessian``.

Data comes from what the installed packages ship (scikit-learn digits, scikit-image
sample images), from generators or, for ``floorset``, from local FloorSet files; nothing
is downloaded.
"""

if __name__ != "graphkit.extras":
    # Run from the repository folder, "import extras" finds this folder as a second,
    # separate package. Its experiments would register twice, and its Config classes
    # would differ from those that graphkit.extras.registry checks against.
    raise ImportError(
        f"this package was imported as {__name__!r}; import it as graphkit.extras, "
        "for example: from graphkit.extras.efficient import mfqat"
    )
