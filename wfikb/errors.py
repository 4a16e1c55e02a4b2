"""Errors a user can cause and fix: each renders as one line naming file, key and what was expected."""
from wfikb.escape import printable


class WfikbError(Exception):
    """Base class: the CLI prints str(error) on one line and exits with status 2."""


class InputError(WfikbError):
    def __init__(self, file: str, key: str | None, expected: str):
        self.file, self.key, self.expected = str(file), key, expected
        where = f"{self.file}: {key}" if key else self.file
        # File and key names come from the user: a newline or escape code in them stays visible.
        super().__init__(printable(f"{where}: {expected}"))


class PolicyError(WfikbError):
    """A policy file breaks the authoring rules (docs/authoring.md)."""


class QueryError(WfikbError):
    """A conclusion name (--why/--why-not, [expect].conclusions) cannot be read."""

    def __init__(self, name: str, expected: str):
        self.name, self.expected = name, expected
        super().__init__(printable(f"conclusion {name!r}: {expected}"))


class RefusedError(WfikbError):
    """The engine will not stand behind an answer: an invariant broke, or the circumstances conflict.
    `index` is the scenario's position in the batch (None when the batch as a whole is refused)."""

    def __init__(self, message: str, index: int | None = None):
        super().__init__(message)
        self.index = index


class InvariantError(RefusedError):
    """A result breaks an invariant of policy/core/invariants.lp, or the program has several answer sets."""


class ContradictionError(RefusedError):
    """The scenario states circumstances that cannot hold together (policy/core/consistency.lp)."""


class LimitError(WfikbError):
    """Grounding or solving ran past the time limit."""

    def __init__(self, message: str, stuck: bool = False):
        super().__init__(message)
        self.stuck = stuck    # a grounding thread is still running: the process should end with os._exit
