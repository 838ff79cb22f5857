"""``--set name=value``: rerun a measurement with one setting changed, without editing code."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from assistant.engine import Settings
from assistant.errors import InputError


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
        kind: Any = type(getattr(stage, name))
        try:
            changed = replace(stage, **{name: kind(value.strip())})
        except ValueError as error:
            raise InputError(f"Fel värde för {name}: {value.strip()!r} ({error}).") from error
        settings = replace(settings, **{stages[name]: changed})
    return settings
