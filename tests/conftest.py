import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOY_POLICY = FIXTURES / "policy"
EXAMPLE = ROOT / "scenarios" / "examples" / "wrag-appellant-new-joiners.toml"


class Run:
    def __init__(self, proc):
        self.code, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    def json(self):
        return json.loads(self.out)


def wfikb(*args, cwd=None) -> Run:
    """The real command, as a user runs it."""
    proc = subprocess.run([sys.executable, "-m", "wfikb", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)
    return Run(proc)


@pytest.fixture(scope="session")
def toy_engine():
    from wfikb.engine import Engine
    from wfikb.loader import Policy
    return Engine(Policy.load([TOY_POLICY]))


@pytest.fixture(scope="session")
def engine():
    from wfikb.engine import Engine
    return Engine()


@pytest.fixture
def write(tmp_path):
    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p
    return _write
