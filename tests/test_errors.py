"""One place turns an exception into what the user reads: its own Swedish message, or a logged internal error."""

from __future__ import annotations

import logging

import pytest

from assistant.errors import INTERNAL_ERROR, InputError, user_message


def test_an_assistant_error_gives_its_own_message(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        assert user_message(InputError("Frågan är tom."), "answering ''") == "Frågan är tom."
    assert not any(record.exc_info for record in caplog.records)


def test_anything_else_is_logged_with_its_traceback_and_shown_as_an_internal_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        raise KeyError("bug")
    except KeyError as error:
        assert user_message(error, "answering 'Vad gjorde Kalix?'") == INTERNAL_ERROR
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "answering 'Vad gjorde Kalix?'" in record.getMessage()
