"""Keep a loaded policy between runs, in a form that cannot run code.

An entry is `policy-KEY.data`: one line with an HMAC-SHA256 of the rest, then the plain data (tuples,
lists, dicts, strings, numbers) in `marshal` format, which is read back about ten times faster than
JSON and keeps the term templates' tuples as tuples (no conversion pass). Reading it builds values
only: no class is looked up and nothing is called (unlike pickle), and it is read only after its
HMAC is checked, so an entry nobody with the secret wrote is never decoded at all. KEY hashes the policy files, the loader's own code (every module of
`wfikb.loader` and `wfikb.terms`) and the clingo and Python versions, so any change loads afresh.

The folder is `$WFIKB_CACHE_DIR`, else `$XDG_CACHE_HOME/wfikb`, else `~/.cache/wfikb`
(`WFIKB_NO_CACHE=1` turns the cache off). It is used only when it is the user's own and nobody else
can write to it (otherwise, as in a shared folder, the user's own `private-UID` folder inside it,
mode 0700, is used instead); an entry is read only when it is a regular file of the user's, not writable by
others, whose HMAC (keyed by a random secret kept in the folder, readable by the user only) matches.
Anything else, including a folder the user cannot enter, read or write, means working uncached:
never an error. The eight most recent entries are kept.
"""
from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import stat
import sys
from pathlib import Path

import clingo

from wfikb import terms

FORMAT = 2
KEEP = 8
_SECRET = "key"


def folder() -> Path | None:
    if os.environ.get("WFIKB_NO_CACHE"):
        return None
    base = os.environ.get("WFIKB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "wfikb")
    return Path(base)


def code_files() -> list[Path]:
    """The code a loaded policy depends on: every module of the loader, and the term templates."""
    return sorted(Path(__file__).parent.glob("*.py")) + [Path(terms.__file__)]


def key(files: list[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for module in code_files():
        h.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    h.update(f"{FORMAT}|{clingo.__version__}|{sys.version}".encode())
    for name, text in files:
        h.update(name.encode("utf-8", "surrogateescape") + b"\0" + text.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()[:32]


def read(files: list[tuple[str, str]]):
    """The plain data stored for these files, or None (no entry, or one that is not to be trusted)."""
    base = folder()
    if base is None:
        return None
    try:
        base = _own_folder(base, create=False)
        if base is None:
            return None
        k = key(files)
        raw = _read_own_file(base / f"policy-{k}.data")
        secret = _read_secret(base) if raw is not None else None
        if raw is None or secret is None:
            return None
        mac, _, payload = raw.partition(b"\n")
        if not hmac.compare_digest(mac, _mac(secret, payload)):
            return None
        data = marshal.loads(payload)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != k:
            return None
        return data["policy"]
    except (OSError, ValueError, EOFError, TypeError, AttributeError, KeyError, RecursionError):
        return None


def write(files: list[tuple[str, str]], policy_data) -> None:
    """Store the plain data for these files; silently does nothing when the folder cannot be used."""
    base = folder()
    if base is None:
        return
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        base = _own_folder(base, create=True)
        if base is None:
            return
        secret = _secret(base)
        if secret is None:
            return
        k = key(files)
        payload = marshal.dumps({"format": FORMAT, "key": k, "policy": policy_data})
        import tempfile     # only when writing: a warm start does not pay for it
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".policy-", suffix=".tmp")   # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_mac(secret, payload) + b"\n" + payload)
            os.replace(tmp, base / f"policy-{k}.data")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(base)
    except (OSError, ValueError, TypeError, RecursionError):
        pass


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest().encode()


def _own(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (on systems with user ids)."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _own_folder(base: Path, create: bool) -> Path | None:
    """The folder itself when it is the user's alone; else the user's private folder inside it
    (`private-UID`, mode 0700: a shared folder, or one made group-writable by a umask of 002)."""
    if _trusted_folder(base):
        return base
    private = base / f"private-{os.getuid()}"
    if create:
        try:
            private.mkdir(mode=0o700)
        except FileExistsError:
            pass
    return private if _trusted_folder(private) else None


def _trusted_folder(base: Path) -> bool:
    st = os.stat(base)
    return stat.S_ISDIR(st.st_mode) and _own(st)


def _read_own_file(path: Path) -> bytes | None:
    """The file's bytes if it is a regular file of the user's that nobody else can write (not a link)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or not _own(st):
            return None
        return fh.read()


def _secret(base: Path) -> bytes | None:
    """The folder's HMAC key (32 random bytes, mode 0600), made on first use."""
    path = base / _SECRET
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        return _read_secret(base)
    with os.fdopen(fd, "wb") as fh:
        secret = os.urandom(32)
        fh.write(secret)
    return secret


def _read_secret(base: Path) -> bytes | None:
    path = base / _SECRET
    secret = _read_own_file(path)
    private = not hasattr(os, "getuid") or not os.lstat(path).st_mode & 0o077
    return secret if secret is not None and len(secret) == 32 and private else None


def _prune(base: Path) -> None:
    for pattern in ("policy-*.pickle", "policy-*.json"):     # former formats: never read, so removed
        for old in base.glob(pattern):
            old.unlink(missing_ok=True)
    entries = sorted(base.glob("policy-*.data"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)
