"""Early attentive sparsification of an encoder-decoder transformer on speech-like data.

Xu, Sharify, Mostafa, Webb, Yazar and Wang, "Early Attentive Sparsification Accelerates
Neural Speech Transcription" (arXiv:2506.15912, 2025). At an early encoder layer ``L``
the self-attention probabilities ``A_h`` score each frame ``j`` by the attention it
receives, ``score_j = sum_h sum_i A_h[i, j]``. The top ``ceil((1 - s) T)`` frames are
kept in their original time order, and the remaining encoder layers and the decoder's
cross-attention run on the shorter sequence. Positions were added at the encoder input,
so no re-indexing is needed.

The paper applies the rule to pretrained Whisper models without fine-tuning. A small
transcriber trained here only on dense sequences has almost uniform attention at layers
1 and 2, so its column sums do not single out the voiced frames. The transcriber is
therefore trained with a differentiable relaxation of the same rule in a fraction
``train_pruning`` of the steps. After layer ``L`` every frame keeps its place, and the
later encoder layers and the decoder's cross-attention add the key bias
``log sigmoid((score_j / heads - t) / tau)`` to their logits, with ``t`` halfway between
the ``k``-th and ``(k + 1)``-th highest scores. As ``tau -> 0`` this equals dropping
the frames outside the top ``k``. Evaluation uses the hard rule, with no fine-tuning
after training.

NOTE: the column-sum score over heads and queries is this implementation's reading of
"attention received". The paper may normalize or average differently.

The demo uses synthetic speech-like sequences of ``frames`` feature vectors. About 55%
of them are low-level noise (silence), and the rest form 3-5 segments of class-specific
spectral templates plus noise. The label is the ordered class sequence. After
training, the transcriber is evaluated at several ``(L, s)``. The metrics are the token
error rate (edit distance over reference length), the fraction of kept frames that are
voiced, and the measured encoder-stack time against the dense encoder (median over
interleaved repetitions in one process). Random dropping is the control.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import torch
from graphkit.extras.common.train import minibatches, seed_everything
from graphkit.extras.registry import Criterion, at_least, at_most, register
from torch import nn

logger = logging.getLogger(__name__)

NUM_CLASSES = 10
BOS, EOS, PAD = NUM_CLASSES, NUM_CLASSES + 1, NUM_CLASSES + 2


@dataclass
class Config:
    """Early attentive sparsification settings.

    Attributes:
        frames, features: sequence length and feature size of the synthetic data.
        train_sequences, test_sequences: dataset sizes.
        width, heads, encoder_layers, decoder_layers: transformer size.
        epochs, lr, batch_size: Adam training.
        layers: encoder layers (1-based) at which tokens are pruned.
        sparsities: fractions of frames dropped.
        timing_batch, timing_repeats: encoder timing batch size and repetitions.
        silence_noise: standard deviation of the silent frames (segments use 0.3).
        position_scale: amplitude of the sinusoidal positions added at the input.
        exclude_self_attention: leave each frame's attention to itself out of its score.
        segment_min, segment_max: frames per voiced segment (inclusive range).
        train_pruning: fraction of training steps that apply the soft pruning at a layer
            drawn from ``layers`` and a sparsity drawn uniformly from [0.3, 0.7].
        soft_temperature: ``tau`` of the soft pruning, in units of the per-head score.
        seed: data, training and random-dropping seed.
    """

    frames: int = 96
    features: int = 16
    train_sequences: int = 2000
    test_sequences: int = 300
    width: int = 48
    heads: int = 4
    encoder_layers: int = 4
    decoder_layers: int = 1
    epochs: int = 10
    lr: float = 2e-3
    batch_size: int = 32
    layers: tuple[int, ...] = (1, 2)
    sparsities: tuple[float, ...] = (0.2, 0.4, 0.5, 0.6)
    timing_batch: int = 64
    timing_repeats: int = 15
    silence_noise: float = 0.1
    exclude_self_attention: bool = False
    position_scale: float = 1.0
    segment_min: int = 7
    segment_max: int = 14
    train_pruning: float = 0.75
    soft_temperature: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        for name in (
            "features",
            "train_sequences",
            "test_sequences",
            "width",
            "heads",
            "decoder_layers",
            "epochs",
            "batch_size",
            "timing_batch",
            "timing_repeats",
        ):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid. Use a value >= 1."
                )
        # An infinite amplitude makes the input positions inf and NaN.
        if not math.isfinite(self.position_scale):
            raise ValueError(
                f"position_scale={self.position_scale} is invalid. Use a finite value."
            )
        if not 0 < self.lr < math.inf or not 0 <= self.silence_noise < math.inf:
            raise ValueError(
                f"lr={self.lr} or silence_noise={self.silence_noise} is invalid. "
                "Use a finite lr > 0 and a finite silence_noise >= 0."
            )
        for name in ("layers", "sparsities"):
            if not getattr(self, name):
                raise ValueError(
                    f"{name} is empty. Give at least one value, for example "
                    f"--set {name}={','.join(map(str, getattr(Config, name)))}"
                )
        if any(not 1 <= layer < self.encoder_layers for layer in self.layers):
            raise ValueError(
                f"layers={self.layers} must lie in [1, {self.encoder_layers - 1}]"
            )
        if any(not 0 < s < 1 for s in self.sparsities):
            raise ValueError(f"sparsities={self.sparsities} must lie in (0, 1)")
        if self.width % self.heads:
            raise ValueError(
                f"width={self.width} must be a multiple of heads={self.heads}"
            )
        if not 1 <= self.segment_min <= self.segment_max:
            raise ValueError(
                f"segment_min={self.segment_min} and segment_max={self.segment_max}"
                " must satisfy 1 <= segment_min <= segment_max"
            )
        if self.frames < 5 * self.segment_max:
            raise ValueError(
                f"frames={self.frames} must be >= 5 * segment_max = "
                f"{5 * self.segment_max} to hold 5 segments"
            )
        if not 0 <= self.train_pruning <= 1 or self.soft_temperature <= 0:
            raise ValueError(
                f"train_pruning={self.train_pruning} must lie in [0, 1] and "
                f"soft_temperature={self.soft_temperature} must be positive"
            )

    @classmethod
    def smoke(cls) -> Config:
        return cls(
            train_sequences=128,
            test_sequences=32,
            epochs=1,
            sparsities=(0.5,),
            layers=(1,),
            timing_repeats=2,
            timing_batch=16,
        )


def make_sequences(
    count: int, config: Config, generator: torch.Generator, templates: torch.Tensor
) -> tuple[torch.Tensor, list[list[int]], torch.Tensor]:
    """Generate speech-like sequences.

    Returns:
        x: ``(count, frames, features)``; labels: class lists; voiced: ``(count, frames)``
        bool, true on segment frames.
    """
    shape = (count, config.frames, config.features)
    x = config.silence_noise * torch.randn(shape, generator=generator)
    voiced = torch.zeros(count, config.frames, dtype=torch.bool)
    labels = []
    for n in range(count):
        segments = int(torch.randint(3, 6, (1,), generator=generator))
        lengths = torch.randint(
            config.segment_min, config.segment_max + 1, (segments,), generator=generator
        ).tolist()
        # Place the segments in order with random silent gaps between them.
        slack = config.frames - sum(lengths)
        gaps = torch.rand(segments + 1, generator=generator)
        gaps = (gaps / gaps.sum() * slack).floor().long().tolist()
        classes = torch.randint(
            0, NUM_CLASSES, (segments,), generator=generator
        ).tolist()
        start = gaps[0]
        for index, (length, cls) in enumerate(zip(lengths, classes)):
            noise = 0.3 * torch.randn(length, config.features, generator=generator)
            x[n, start : start + length] = templates[cls] + noise
            voiced[n, start : start + length] = True
            start += length + gaps[index + 1]
        labels.append(classes)
    return x, labels, voiced


class EncoderLayer(nn.Module):
    """Pre-norm self-attention layer that can return its attention probabilities."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.mlp = nn.Sequential(
            nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width)
        )

    def forward(
        self,
        x: torch.Tensor,
        need_weights: bool = False,
        key_bias: torch.Tensor | None = None,
    ):
        b, t, d = x.shape
        q, k, v = (
            self.qkv(self.norm1(x))
            .reshape(b, t, 3, self.heads, d // self.heads)
            .permute(2, 0, 3, 1, 4)
        )
        probs = None
        bias = None if key_bias is None else key_bias[:, None, None, :]
        if need_weights:
            logits = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)
            probs = (logits if bias is None else logits + bias).softmax(-1)
            attn = probs @ v
        else:
            attn = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        x = x + self.proj(attn.transpose(1, 2).reshape(b, t, d))
        return x + self.mlp(self.norm2(x)), probs


def sinusoidal_positions(length: int, width: int) -> torch.Tensor:
    """Return the ``(length, width)`` table with sines in even and cosines in odd columns.

    An odd ``width`` has one more even column than odd ones, so its last frequency
    gets only a sine.
    """
    position = torch.arange(length)[:, None].float()
    freqs = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2).float() / width)
    table = torch.zeros(length, width)
    table[:, 0::2] = torch.sin(position * freqs)
    table[:, 1::2] = torch.cos(position * freqs[: width // 2])
    return table


def attention_received(probs: torch.Tensor, exclude_self: bool = False) -> torch.Tensor:
    """Score frame ``j`` by ``sum_h sum_i A_h[i, j]``, optionally leaving out ``i = j``.

    Shapes:
        probs: ``(B, heads, T, T)`` attention probabilities; return: ``(B, T)``.
    """
    if exclude_self:
        probs = probs * (1.0 - torch.eye(probs.shape[-1], dtype=probs.dtype))
    return probs.sum(dim=(1, 2))


def soft_keep_bias(scores: torch.Tensor, keep: int, temperature: float) -> torch.Tensor:
    """Return ``log sigmoid((score_j - t) / temperature)`` with ``t`` halfway between the
    ``keep``-th and ``keep + 1``-th highest scores of each row.

    Shapes:
        scores: ``(B, T)``; return: ``(B, T)``.
    """
    if keep >= scores.shape[-1]:
        # Every frame is kept, as in the hard rule. There is no (keep + 1)-th score.
        return torch.zeros_like(scores)
    top = scores.detach().topk(keep + 1, dim=-1).values
    threshold = top[:, -2:].mean(dim=-1, keepdim=True)
    return nn.functional.logsigmoid((scores - threshold) / temperature)


def keep_count(length: int, sparsity: float) -> int:
    """Return ``ceil((1 - sparsity) * length)``, the frames kept after pruning.

    The product is rounded to 9 decimals first. In floating point (1 - 0.7) * 10 is
    3.0000000000000004, so a bare ceil would keep 4 of 10 frames at sparsity 0.7.
    """
    return math.ceil(round((1.0 - sparsity) * length, 9))


def select_tokens(scores: torch.Tensor, keep: int) -> torch.Tensor:
    """Return the indices of the ``keep`` highest scores per row, in time order."""
    return scores.topk(keep, dim=-1).indices.sort(dim=-1).values


class Transcriber(nn.Module):
    """Transformer encoder-decoder from frames to class tokens, with optional pruning."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.input = nn.Linear(config.features, config.width)
        self.register_buffer(
            "positions",
            config.position_scale * sinusoidal_positions(config.frames, config.width),
        )
        self.encoder = nn.ModuleList(
            [
                EncoderLayer(config.width, config.heads)
                for _ in range(config.encoder_layers)
            ]
        )
        self.encoder_norm = nn.LayerNorm(config.width)
        self.token = nn.Embedding(NUM_CLASSES + 3, config.width)
        self.token_positions = nn.Parameter(torch.randn(8, config.width) * 0.02)
        layer = nn.TransformerDecoderLayer(
            config.width,
            config.heads,
            4 * config.width,
            dropout=0.0,
            batch_first=True,
            norm_first=True,
        )
        self.decoder = nn.TransformerDecoder(layer, config.decoder_layers)
        self.output = nn.Linear(config.width, NUM_CLASSES + 3)
        self.exclude_self = config.exclude_self_attention

    def encode(
        self,
        x: torch.Tensor,
        prune_layer: int | None = None,
        sparsity: float = 0.0,
        mode: str = "attention",
        generator: torch.Generator | None = None,
    ):
        """Run the encoder; after layer ``prune_layer`` keep ``1 - sparsity`` of the frames.

        Returns the memory ``(B, T', width)`` and the kept indices ``(B, T')`` (or None).
        """
        h = self.input(x) + self.positions[: x.shape[1]]
        kept = None
        for index, layer in enumerate(self.encoder, start=1):
            prune_here = prune_layer == index
            h, probs = layer(h, need_weights=prune_here and mode == "attention")
            if prune_here:
                keep = keep_count(h.shape[1], sparsity)
                if mode == "attention":
                    scores = attention_received(probs, self.exclude_self)
                else:
                    scores = torch.rand(h.shape[:2], generator=generator)
                kept = select_tokens(scores, keep)
                h = h.gather(1, kept[..., None].expand(-1, -1, h.shape[-1]))
        return self.encoder_norm(h), kept

    def encode_soft(
        self, x: torch.Tensor, prune_layer: int, sparsity: float, temperature: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Run the encoder with a differentiable relaxation of the pruning at ``prune_layer``.

        Returns the memory ``(B, T, width)`` and the key bias ``(B, T)`` that the later
        layers and the decoder's cross-attention add to their logits.
        """
        h = self.input(x) + self.positions[: x.shape[1]]
        bias = None
        for index, layer in enumerate(self.encoder, start=1):
            h, probs = layer(h, need_weights=index == prune_layer, key_bias=bias)
            if index == prune_layer:
                keep = keep_count(h.shape[1], sparsity)
                bias = soft_keep_bias(
                    attention_received(probs, self.exclude_self) / probs.shape[1],
                    keep,
                    temperature,
                )
        return self.encoder_norm(h), bias

    def decode_logits(
        self,
        memory: torch.Tensor,
        tokens: torch.Tensor,
        memory_bias: torch.Tensor | None = None,
    ) -> torch.Tensor:
        length = tokens.shape[1]
        target = self.token(tokens) + self.token_positions[:length]
        mask = nn.Transformer.generate_square_subsequent_mask(length)
        return self.output(
            self.decoder(
                target,
                memory,
                tgt_mask=mask,
                tgt_is_causal=True,
                memory_key_padding_mask=memory_bias,
            )
        )

    @torch.no_grad()
    def greedy(self, memory: torch.Tensor, max_length: int = 7) -> list[list[int]]:
        tokens = torch.full((memory.shape[0], 1), BOS)
        for _ in range(max_length):
            next_token = self.decode_logits(memory, tokens)[:, -1].argmax(-1)
            tokens = torch.cat([tokens, next_token[:, None]], dim=1)
        out = []
        for row in tokens[:, 1:].tolist():
            out.append(row[: row.index(EOS)] if EOS in row else row)
        return out


def _targets(labels: list[list[int]]) -> torch.Tensor:
    width = max(len(label) for label in labels) + 2
    rows = [[BOS, *label, EOS] + [PAD] * (width - len(label) - 2) for label in labels]
    return torch.tensor(rows)


def edit_distance(a: list[int], b: list[int]) -> int:
    """Levenshtein distance between two token lists."""
    previous = list(range(len(b) + 1))
    for i, token_a in enumerate(a, start=1):
        current = [i]
        for j, token_b in enumerate(b, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (token_a != token_b),
                )
            )
        previous = current
    return previous[-1]


def token_error_rate(predicted: list[list[int]], reference: list[list[int]]) -> float:
    """Total edit distance over total reference length, in percent.

    Raises:
        ValueError: if the lists differ in length, because ``zip`` would drop the
            extra sequences without an error, or if the references contain no tokens.
    """
    if len(predicted) != len(reference):
        raise ValueError(
            f"got {len(predicted)} predicted and {len(reference)} reference "
            "sequences. Pass one prediction per reference."
        )
    if not sum(len(r) for r in reference):
        raise ValueError(
            "the reference sequences hold no tokens, so the error rate is undefined."
        )
    errors = sum(edit_distance(p, r) for p, r in zip(predicted, reference))
    return 100.0 * errors / sum(len(r) for r in reference)


def _train(
    model: Transcriber,
    x: torch.Tensor,
    labels: list[list[int]],
    config: Config,
    generator: torch.Generator,
) -> None:
    targets = _targets(labels)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    steps = config.epochs * math.ceil(len(x) / config.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, config.lr, total_steps=steps
    )
    model.train()
    for _epoch in range(config.epochs):
        for batch in minibatches(len(x), config.batch_size, generator):
            bias = None
            if float(torch.rand(1, generator=generator)) < config.train_pruning:
                choice = int(
                    torch.randint(len(config.layers), (1,), generator=generator)
                )
                sparsity = 0.3 + 0.4 * float(torch.rand(1, generator=generator))
                memory, bias = model.encode_soft(
                    x[batch], config.layers[choice], sparsity, config.soft_temperature
                )
            else:
                memory, _ = model.encode(x[batch])
            logits = model.decode_logits(memory, targets[batch, :-1], bias)
            loss = nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]),
                targets[batch, 1:].reshape(-1),
                ignore_index=PAD,
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()


@torch.no_grad()
def _evaluate(
    model, x, labels, voiced, layer, sparsity, mode, generator
) -> tuple[float, float]:
    """Return the token error rate and the fraction of kept frames that are voiced."""
    predicted, voiced_kept, kept_total = [], 0, 0
    for start in range(0, len(x), 128):
        memory, kept = model.encode(
            x[start : start + 128], layer, sparsity, mode, generator
        )
        predicted += model.greedy(memory)
        if kept is not None:
            voiced_kept += int(voiced[start : start + 128].gather(1, kept).sum())
            kept_total += kept.numel()
    precision = voiced_kept / kept_total if kept_total else float("nan")
    return token_error_rate(predicted, labels), precision


@torch.no_grad()
def _encoder_speedup(
    model: Transcriber, x: torch.Tensor, config: Config
) -> dict[tuple[int, float], float]:
    """Median dense encoder time over the median pruned time, interleaved per repetition."""
    settings = [(layer, s) for layer in config.layers for s in config.sparsities]
    times: dict[object, list[float]] = {key: [] for key in [None, *settings]}
    for _ in range(config.timing_repeats):
        for key, samples in times.items():
            layer, sparsity = key if key is not None else (None, 0.0)
            start = time.perf_counter()
            model.encode(x, layer, sparsity)
            samples.append(time.perf_counter() - start)
    median = {key: sorted(v)[len(v) // 2] for key, v in times.items()}
    return {key: median[None] / median[key] for key in settings}


def run(config: Config) -> dict[str, float]:
    """Train the transcriber, then sweep (layer, sparsity) with attentive and random dropping."""
    generator = seed_everything(config.seed)
    templates = 1.5 * torch.randn(NUM_CLASSES, config.features, generator=generator)
    train_x, train_labels, _ = make_sequences(
        config.train_sequences, config, generator, templates
    )
    test_x, test_labels, voiced = make_sequences(
        config.test_sequences, config, generator, templates
    )
    model = Transcriber(config)
    _train(model, train_x, train_labels, config, generator)
    metrics = {"voiced_fraction": float(voiced.float().mean())}
    metrics["ter_dense"], _ = _evaluate(
        model, test_x, test_labels, voiced, None, 0.0, "attention", None
    )
    speedups = _encoder_speedup(model, test_x[: config.timing_batch], config)
    for (layer, sparsity), speedup in speedups.items():
        tag = point_tag(layer, sparsity)
        for mode in ("attention", "random"):
            ter, precision = _evaluate(
                model,
                test_x,
                test_labels,
                voiced,
                layer,
                sparsity,
                mode,
                torch.Generator().manual_seed(config.seed),
            )
            metrics[f"ter_{mode}_{tag}"] = ter
            metrics[f"voiced_precision_{mode}_{tag}"] = precision
        metrics[f"speedup_{tag}"] = speedup
        logger.info(
            "%s: TER %.2f (random %.2f), speed-up %.2fx",
            tag,
            metrics[f"ter_attention_{tag}"],
            metrics[f"ter_random_{tag}"],
            speedup,
        )
    return metrics


def point_tag(layer: int, sparsity: float) -> str:
    """Name a sweep point, for example ``L1_s50`` or ``L2_s12.5``.

    The percentage keeps 6 significant digits. Rounding it to an integer would give
    0.12 and 0.125 the same tag, so one point would overwrite the other's metrics.
    """
    return f"L{layer}_s{sparsity * 100:g}"


def _parse_tag(tag: str) -> tuple[int, float]:
    """Return (layer, sparsity) of a tag made by :func:`point_tag`."""
    layer_text, sparsity_text = tag.split("_s")
    return int(layer_text[1:]), float(sparsity_text) / 100


def _best_point(metrics: dict[str, float]) -> str | None:
    """Return the tag of the point that the criteria judge, or None without candidates.

    Candidates have L <= 2 and 0.4 <= s <= 0.6. The fastest candidate whose error rises at
    most 1 point is chosen. When none qualifies, the one with the smallest rise is.
    """
    candidates = []
    for key, speedup in metrics.items():
        if not key.startswith("speedup_"):
            continue
        tag = key[len("speedup_") :]
        layer, sparsity = _parse_tag(tag)
        if layer <= 2 and 0.4 <= sparsity <= 0.6:
            rise = metrics[f"ter_attention_{tag}"] - metrics["ter_dense"]
            candidates.append((tag, rise, speedup))
    if not candidates:
        return None
    qualifying = [c for c in candidates if c[1] <= 1.0]
    if qualifying:
        return max(qualifying, key=lambda c: c[2])[0]
    return min(candidates, key=lambda c: c[1])[0]


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Return the criteria at the judged point.

    They are: token error rise <= 1 point, speed-up >= 1.3x, lower error than random
    dropping, and at least 80% of the kept frames voiced.
    """
    tag = _best_point(metrics)
    if tag is None:
        return [Criterion("points_with_L<=2_and_s_in_0.4-0.6", 0.0, ">= 1", False)]
    rise = metrics[f"ter_attention_{tag}"] - metrics["ter_dense"]
    margin = metrics[f"ter_random_{tag}"] - metrics[f"ter_attention_{tag}"]
    return [
        at_most(f"error_rise_{tag}", rise, 1.0, " points"),
        at_least(f"encoder_speedup_{tag}", metrics[f"speedup_{tag}"], 1.3, "x"),
        Criterion(f"random_minus_attentive_{tag}", margin, "> 0 points", margin > 0),
        at_least(
            f"voiced_precision_{tag}",
            metrics[f"voiced_precision_attention_{tag}"],
            0.8,
        ),
    ]


run = register(
    "eas",
    "Early Attentive Sparsification Accelerates Neural Speech Transcription",
    "drop frames by attention received at an early encoder layer; error vs speed-up",
    11,
)(run)
