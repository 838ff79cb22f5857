"""Characters of a PDF's text layer that are not what they look like: private-use glyphs and bullets.

Adobe fonts put old-style figures and small capitals in the private-use area,
at U+F700 + the ASCII code ("\\uf732\\uf730" is "20", set as old-style figures);
those are mapped back.  A word set in a symbol font (Wingdings, Symbol,
ZapfDingbats) at the start of a line, or a private-use glyph alone, is a bullet.
Any other private-use glyph has no known character: it is dropped from the text
and counted, so the reader can say which pages could not be read in full.
"""

from __future__ import annotations

import re

ADOBE_PUA_ASCII = range(0xF721, 0xF77F)
"""Adobe's private-use old-style figures and small capitals: U+F721–F77E stand for ASCII 0x21–0x7E."""
SYMBOL_FONT = re.compile(r"Wingdings|Webdings|Symbol|Dingbat|ZapfDingbats", re.I)
BULLET_CHARS = str.maketrans({"\uf0b7": "•", "▪": "•", "●": "•", "◦": "•", "‣": "•", "∙": "•"})


def is_private(char: str) -> bool:
    return 0xE000 <= ord(char) <= 0xF8FF


def map_private(text: str) -> tuple[str, int]:
    """``text`` with Adobe's private-use figures and small capitals as ASCII, other private glyphs dropped;
    and how many were dropped."""
    out, lost = [], 0
    for char in text:
        if ord(char) in ADOBE_PUA_ASCII:
            ascii_char = chr(ord(char) - 0xF700)
            out.append(ascii_char.lower() if ascii_char.isalpha() else ascii_char)
        elif is_private(char):
            lost += 1
        else:
            out.append(char)
    return "".join(out), lost


def is_bullet_word(text: str, fontname: str) -> bool:
    """A word that is a bullet drawn as a glyph: a symbol font's one or two glyphs, or private-use glyphs only."""
    stripped = text.strip()
    if not stripped or len(stripped) > 2:
        return False
    if SYMBOL_FONT.search(fontname):
        return True
    return all(is_private(c) and ord(c) not in ADOBE_PUA_ASCII for c in stripped)
