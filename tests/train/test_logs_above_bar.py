"""Log records during a progress bar start on their own line."""

import io
import logging

from terminal_stream import capture_terminal
from test_trainer import run, two_block_graph
from tqdm import tqdm

from graphkit.train.progress import logs_above_bar


def bar_and_logger(name):
    """Return a bar, a logger and their shared stream, the logger writing bare messages."""
    stream = io.StringIO()
    bar = tqdm(total=5, file=stream, ncols=60, desc="train")
    logger = logging.getLogger(name)
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    return bar, logger, stream


def last_segment_with(text, output):
    """Return what the terminal line that prints ``text`` shows from its last \\r on."""
    line = next(line for line in output.split("\n") if text in line)
    return line.split("\r")[-1]


def test_record_on_own_line():
    bar, logger, stream = bar_and_logger("graphkit.test.logs_above_bar")
    with logs_above_bar(bar, logger):
        bar.update(1)
        logger.info("epoch 1 done")
        bar.update(1)
    bar.close()
    assert last_segment_with("epoch 1 done", stream.getvalue()) == "epoch 1 done"
    # The bar is drawn again below the record.
    assert "2/5" in stream.getvalue().rsplit("epoch 1 done", 1)[1]


def test_handler_restored_with_filters():
    bar, logger, stream = bar_and_logger("graphkit.test.logs_above_bar_restore")
    handler = logger.handlers[0]
    handler.addFilter(lambda record: "drop" not in record.getMessage())
    with logs_above_bar(bar, logger):
        logger.info("drop this")
        logger.info("keep this")
    bar.close()
    assert logger.handlers == [handler]
    assert handler.stream is stream
    assert "drop this" not in stream.getvalue()
    assert "keep this" in stream.getvalue()


def test_disabled_bar_changes_nothing():
    stream = io.StringIO()
    bar = tqdm(total=5, file=stream, disable=True)
    logger = logging.getLogger("graphkit.test.logs_above_bar_disabled")
    handler = logging.StreamHandler(stream)
    logger.handlers = [handler]
    with logs_above_bar(bar, logger):
        assert handler.stream is stream


def test_trainer_epoch_logs_on_own_lines(monkeypatch, caplog):
    terminal = capture_terminal(monkeypatch, caplog)
    run(two_block_graph(), epochs=3, log_every=1)
    output = terminal.getvalue()
    assert "train:" in output
    for epoch in (1, 2, 3):
        segment = last_segment_with(f"epoch {epoch} loss", output)
        assert segment.startswith(f"epoch {epoch} loss")
