"""Errors a user can cause and fix: each renders as one line naming file, key and what was expected."""


class WfikbError(Exception):
    """Base class: the CLI prints str(error) on one line and exits with status 2."""


class InputError(WfikbError):
    def __init__(self, file: str, key: str | None, expected: str):
        self.file, self.key, self.expected = str(file), key, expected
        where = f"{self.file}: {key}" if key else self.file
        super().__init__(f"{where}: {expected}")


class PolicyError(WfikbError):
    """A policy file breaks the authoring rules (docs/authoring.md)."""


class QueryError(WfikbError):
    """A conclusion name given to --why/--why-not cannot be read."""
