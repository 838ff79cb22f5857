"""Who may do what in the chat: accounts with a role, read from a file, passwords stored as argon2 hashes.

The accounts file (``--accounts FILE`` or ``ASSISTANT_ACCOUNTS``) has one line per user,
``name:role:argon2 hash``; lines starting with ``#`` are comments.  A reader asks; an editor also adds,
removes and restores documents and rebuilds the index.  Passwords never appear on a command line:
``assistant users add`` reads them from a prompt or standard input and stores only the hash.

Without an accounts file the chat has one anonymous role for everyone: editor on this computer alone
(loopback), reader when the chat is opened to the network with ``--allow-anonymous``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.errors import InputError

log = logging.getLogger(__name__)

Role = Literal["reader", "editor"]
ROLES: tuple[Role, ...] = get_args(Role)
ROLE_LABELS: dict[Role, str] = {"reader": "läsare", "editor": "redaktör"}
USER_NAME = re.compile(r"^[\w.@+-]{1,64}$")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_HASHER = PasswordHasher()
"""argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    password_hash: str


class Accounts:
    """The accounts of one file, read when the chat starts."""

    def __init__(self, path: Path, accounts: dict[str, Account]) -> None:
        self.path = path
        self._accounts = accounts

    @classmethod
    def read(cls, path: Path) -> Accounts:
        """The file's accounts; InputError (Swedish) naming the line when it is malformed or missing."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise InputError(f"Kontofilen {path} kan inte läsas ({error.strerror}).") from error
        accounts = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, _, rest = line.strip().partition(":")
            role, _, password_hash = rest.partition(":")
            if not USER_NAME.match(name) or role not in ROLES or not password_hash.startswith("$argon2"):
                raise InputError(f"Kontofilen {path}, rad {number}: skriv NAMN:reader|editor:argon2-hash.")
            accounts[name] = Account(name, role, password_hash)
        return cls(path, accounts)

    def __len__(self) -> int:
        return len(self._accounts)

    def names(self) -> list[tuple[str, Role]]:
        return [(a.name, a.role) for a in self._accounts.values()]

    def verify(self, name: str, password: str) -> bool:
        """True when ``password`` is the user's (Gradio's login calls this); never raises."""
        account = self._accounts.get(name)
        if account is None:
            _HASHER.hash(password)  # as slow as a wrong password: the login does not tell which names exist
            return False
        try:
            return _HASHER.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def role(self, name: str | None) -> Role | None:
        account = self._accounts.get(name or "")
        return account.role if account else None


def add_account(path: Path, name: str, role: Role, password: str) -> bool:
    """Add a user to the accounts file (made, readable by its owner only, when missing), or set an existing
    user's role and password; True when the user is new.  The file is replaced atomically."""
    if not USER_NAME.match(name):
        raise InputError(f"Ogiltigt användarnamn {name[:40]!r}: bokstäver, siffror och . @ + - _ (högst 64 tecken).")
    if len(password) < 8:
        raise InputError("Lösenordet måste ha minst 8 tecken.")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if line.strip().partition(":")[0] != name]
    temporary = path.with_name(f".{path.name}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join([*kept, f"{name}:{role}:{_HASHER.hash(password)}"]) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return len(kept) == len(lines)


class HasUser(Protocol):
    """What the access check reads of a request (``gr.Request``): the logged-in user's name, if any, and the
    headers (a reverse proxy's ``X-Forwarded-For`` says the sender is not at this computer)."""

    @property
    def username(self) -> str | None: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


@dataclass(frozen=True)
class Access:
    """The chat's access rule: accounts with roles, or one anonymous role for everyone."""

    accounts: Accounts | None
    anonymous: Role

    @classmethod
    def for_host(cls, host: str, accounts: Accounts | None, allow_anonymous: bool) -> Access:
        """The rule for a chat listening on ``host``; InputError when the network would get it without a login."""
        if accounts is None and host not in LOOPBACK and not allow_anonymous:
            raise InputError(
                f"Chatten på {host} nås från nätverket: ange ett kontofil med --accounts (se assistant users add), "
                "eller --allow-anonymous för att låta alla läsa utan inloggning (ingen kan då ändra dokumenten)."
            )
        if accounts is not None and len(accounts) == 0:
            raise InputError(f"Kontofilen {accounts.path} har inga konton; lägg till ett med assistant users add.")
        return cls(accounts, "reader" if allow_anonymous else "editor")

    def role(self, request: HasUser | None) -> Role:
        """The role of whoever sent ``request``: the account's, else the anonymous one; a reader when unsure.

        Without accounts, a request through a reverse proxy (which listens for the network on this computer's
        behalf) gets a reader's role: only someone at this computer edits without a login.
        """
        if self.accounts is None:
            headers = getattr(request, "headers", None) or {}
            return "reader" if any(name in headers for name in PROXY_HEADERS) else self.anonymous
        return self.accounts.role(getattr(request, "username", None)) or "reader"

    def may_edit(self, request: HasUser | None) -> bool:
        return self.role(request) == "editor"
