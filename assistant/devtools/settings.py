"""``--set name=value``: rerun a measurement with one reply setting changed, without editing code."""

from __future__ import annotations

from dataclasses import fields, replace

from assistant.errors import InputError
from assistant.reply.answer import ReplySettings


def apply_settings(settings: ReplySettings, assignments: list[str]) -> ReplySettings:
    """``settings`` with each ``name=value`` applied (the value read as the field's type); InputError if unknown."""
    known = {f.name: type(getattr(settings, f.name)) for f in fields(settings)}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        name = name.strip()
        if name not in known or not value.strip():
            raise InputError(
                f"Okänd inställning {assignment!r}; skriv NAMN=VÄRDE med ett av namnen: {', '.join(known)}."
            )
        try:
            settings = replace(settings, **{name: known[name](value.strip())})
        except ValueError as error:
            raise InputError(f"Fel värde för {name}: {value.strip()!r} ({error}).") from error
    return settings
