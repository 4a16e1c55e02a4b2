"""Where the policy lives: the shipped folder, and the core checks every policy gets."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


CORE_CHECKS = ("core/invariants.lp", "core/consistency.lp")


def with_core_checks(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The invariants and consistency constraints apply to every policy: a --policy folder without its
    own core/invariants.lp or core/consistency.lp gets the shipped ones (docs/robustness.md)."""
    out = list(files)
    for rel in CORE_CHECKS:
        if not any(name == rel or name.endswith("/" + rel) for name, _ in files):
            shipped = default_policy_dir() / rel
            out.append((f"wfikb/{rel}", shipped.read_text(encoding="utf-8")))
    return out


def default_policy_dir() -> Path:
    """The policy shipped inside the package (wfikb.policy); the source tree's policy/ when run from a checkout."""
    try:
        p = Path(str(resources.files("wfikb.policy")))
        if p.is_dir() and any(p.rglob("*.lp")):
            return p
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent.parent / "policy"
