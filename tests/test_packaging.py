"""Each install ships exactly the policy in the checkout (issue 13, item 2).

setuptools copies packages into an in-tree `build/lib` and reused it: a `.lp` file deleted
between two `pip install .` runs still shipped, and a removed rule kept deciding outcomes."""
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

SHIPPED = ["pyproject.toml", "setup.py", "README.md", "wfikb", "policy"]


def build_wheel(src, out):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), "."],
                          cwd=src, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = out.glob("wfikb-*.whl")
    return sorted(n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("wfikb/policy/"))


@pytest.mark.slow
def test_a_policy_file_removed_between_two_builds_is_not_shipped(tmp_path):
    src = tmp_path / "checkout"
    src.mkdir()
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    first = build_wheel(src, tmp_path / "one")
    removed = "wfikb/policy/esa/esa_regs_2013.lp"
    assert removed in first
    (src / "policy" / "esa" / "esa_regs_2013.lp").unlink()
    second = build_wheel(src, tmp_path / "two")
    assert removed not in second
    assert second == [n for n in first if n != removed]
    in_checkout = sorted("wfikb/policy/" + p.relative_to(src / "policy").as_posix()
                         for p in (src / "policy").rglob("*") if p.suffix in (".lp", ".py"))
    assert second == in_checkout
