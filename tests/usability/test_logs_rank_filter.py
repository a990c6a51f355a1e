"""setup_logging: INFO from rank 0 only, warnings from every rank, one handler."""

import logging

from graphkit.launch.logs import setup_logging


def _lines(capsys) -> list[str]:
    # Drop the time stamp, the first word of each line.
    return [line.split(" ", 1)[1] for line in capsys.readouterr().err.splitlines()]


def test_other_rank_logs_warnings_only(capsys):
    setup_logging(rank=1, world_size=2)
    logger = logging.getLogger("graphkit.toy")
    logger.info("epoch 1")
    logger.warning("slow epoch")
    logger.error("lost peer")
    assert _lines(capsys) == [
        "[rank 1/2] WARNING graphkit.toy: slow epoch",
        "[rank 1/2] ERROR graphkit.toy: lost peer",
    ]


def test_rank_zero_logs_info(capsys):
    setup_logging(rank=0, world_size=2)
    logging.getLogger("graphkit.toy").info("epoch 1")
    assert _lines(capsys) == ["[rank 0/2] INFO graphkit.toy: epoch 1"]


def test_second_setup_replaces_handler(capsys):
    # graphkit train calls setup_logging again once the process group has started.
    setup_logging()
    setup_logging(rank=0, world_size=4)
    logging.getLogger("graphkit.toy").info("epoch 1")
    assert _lines(capsys) == ["[rank 0/4] INFO graphkit.toy: epoch 1"]


def test_other_library_logs_warnings_only(capsys):
    setup_logging(rank=0, world_size=1)
    logger = logging.getLogger("matplotlib.font_manager")
    logger.info("generated new fontManager")
    logger.warning("font not found")
    assert _lines(capsys) == [
        "[rank 0/1] WARNING matplotlib.font_manager: font not found"
    ]
