"""``--set name=value``: rerun a measurement with one setting changed, without editing code."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from assistant.engine import Settings
from assistant.errors import InputError

TRUE_WORDS = frozenset({"true", "on", "yes", "1", "sant", "på", "ja"})
FALSE_WORDS = frozenset({"false", "off", "no", "0", "falskt", "av", "nej"})


def parse_value(kind: type, text: str) -> Any:
    """``text`` read as a value of ``kind``: a bool by its words (``bool("False")`` would be True), others by
    their constructor; ValueError if it is not one."""
    if kind is bool:
        word = text.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(f"skriv {'/'.join(sorted(TRUE_WORDS))} eller {'/'.join(sorted(FALSE_WORDS))}")
        return word in TRUE_WORDS
    return kind(text.strip())


def setting_names(settings: Settings) -> dict[str, str]:
    """Each setting's name and the stage (field of ``Settings``) it belongs to."""
    return {f.name: stage.name for stage in fields(settings) for f in fields(getattr(settings, stage.name))}


def apply_settings(settings: Settings, assignments: list[str]) -> Settings:
    """``settings`` with each ``name=value`` applied (the value read as the field's type); InputError if unknown."""
    stages = setting_names(settings)
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        name = name.strip()
        if name not in stages or not value.strip():
            raise InputError(
                f"Okänd inställning {assignment!r}; skriv NAMN=VÄRDE med ett av namnen: {', '.join(stages)}."
            )
        stage = getattr(settings, stages[name])
        try:
            changed = replace(stage, **{name: parse_value(type(getattr(stage, name)), value)})
        except ValueError as error:
            raise InputError(f"Fel värde för {name}: {value.strip()!r} ({error}).") from error
        settings = replace(settings, **{stages[name]: changed})
    return settings
