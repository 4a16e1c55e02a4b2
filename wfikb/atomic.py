"""Writing output whole or not at all: a temporary file or folder beside the target, then one
rename. A target that cannot be written is one `InputError` naming it and the option that gave it,
never a traceback (the `os.access` check alone is not enough: root passes it where mkdir fails)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wfikb.errors import InputError


def write_file(target: str | Path, text: str, option: str | None = "-o") -> None:
    """Write `text` to `target` (UTF-8) through a temporary file beside it."""
    target = Path(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise InputError(target, option, f"expected a file in a folder that exists and can be written to "
                                          f"({e.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(target, option, f"cannot write it ({e.strerror or e})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def temp_folder(target: str | Path, prefix: str, option: str | None = "-o") -> Path:
    """A new temporary folder beside `target`, to be filled and renamed onto it."""
    target = Path(target)
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=target.resolve().parent))
    except OSError as e:
        raise InputError(target, option, f"cannot write there ({e.strerror or e})") from None
