"""``--set name=value``: a setting changed by name, read with its type, in its stage."""

from __future__ import annotations

from dataclasses import fields

import pytest

from assistant.devtools.settings import apply_settings, parse_value, setting_names
from assistant.engine import Settings
from assistant.errors import InputError
from assistant.reply.answer import ReplySettings


def test_settings_are_changed_by_name_with_their_type_in_their_stage() -> None:
    settings = apply_settings(Settings(), ["relevant=0.001", "max_quotes=3", "candidates=50"])
    assert (settings.reply.relevant, settings.reply.max_quotes, settings.search.candidates) == (0.001, 3, 50)
    assert settings.reply.max_tips == ReplySettings().max_tips
    with pytest.raises(InputError, match="Okänd inställning"):
        apply_settings(Settings(), ["no_such=1"])
    with pytest.raises(InputError, match="Fel värde för max_quotes"):
        apply_settings(Settings(), ["max_quotes=many"])


def test_setting_names_are_unique_across_stages() -> None:
    names = [f.name for stage in fields(Settings()) for f in fields(getattr(Settings(), stage.name))]
    assert len(names) == len(setting_names(Settings())) > 10


@pytest.mark.parametrize(("text", "value"), [("False", False), ("av", False), ("0", False), ("on", True), ("Ja", True)])
def test_a_flag_setting_is_read_by_its_words(text: str, value: bool) -> None:
    assert parse_value(bool, text) is value


def test_a_flag_setting_refuses_other_words() -> None:
    with pytest.raises(ValueError, match="skriv"):
        parse_value(bool, "kanske")
