"""The unit of everything the assistant says: a citable passage of a document."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Kind = Literal["quote", "tip", "paragraph", "footnote"]
"""What a passage is; the one definition of the kinds (stored in passages.jsonl, shown in --json)."""
KINDS: tuple[Kind, ...] = get_args(Kind)
KIND_LABELS: dict[Kind, str] = {"quote": "citat", "tip": "tips", "paragraph": "stycke", "footnote": "fotnot"}
"""Swedish names of the kinds, for users (filters, summaries, the sources panel)."""
ROLES = ("Politiker", "Förvaltningsföreträdare", "Verksamhetsföreträdare")
CATEGORIES = ("Engagemang", "Kunskap", "Integrering")
SECTION_SEPARATOR = " › "


@dataclass(frozen=True)
class Passage:
    """One quote, tip, paragraph or footnote, with where it stands and who said it."""

    id: str
    kind: Kind
    text: str
    document: str
    section: str
    page: int | None
    title: str | None = None
    role: str | None = None
    municipality: str | None = None
    category: str | None = None
    footnotes: dict[str, str] = field(default_factory=dict)
    discusses: str | None = None
    """For a commentary paragraph ("Citatet visar …"): the id of the quote it discusses."""
    reading: str | None = None
    """How the text was read when not from the document's text: "ocr" for a scanned page (may hold misreadings)."""

    @property
    def speaker(self) -> str | None:
        """ "Politiker, Kalix" for a quote with a known speaker."""
        parts = [p for p in (self.role, self.municipality) if p]
        return ", ".join(parts) if parts else None

    @property
    def citation(self) -> str:
        """A human citation: "Titel, avsnitt, s. N" and speaker or category."""
        parts = [self.title or self.document, self.section]
        if self.page is not None:
            parts.append(f"s. {self.page}" + (" (OCR-läst)" if self.reading == "ocr" else ""))
        elif self.reading == "ocr":
            parts.append("OCR-läst")
        if self.speaker:
            parts.append(self.speaker)
        if self.category:
            parts.append(f"tips: {self.category}")
        return ", ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, including the derived citation."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}  # asdict's deep copy is slow
        data["footnotes"] = dict(self.footnotes)
        data["citation"] = self.citation
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        """Inverse of :meth:`to_dict` (derived fields are ignored); ValueError for an unknown kind."""
        if data.get("kind") not in KINDS:
            raise ValueError(f"unknown passage kind {data.get('kind')!r}")
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**fields)


def passage_id(document: str, kind: Kind, section: str, text: str) -> str:
    """A stable id: the same text in the same place gets the same id on every run."""
    digest = hashlib.sha1(f"{document}\n{kind}\n{section}\n{text}".encode()).hexdigest()
    return f"{kind[0]}-{digest[:10]}"
