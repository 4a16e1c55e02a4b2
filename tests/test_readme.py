"""The README works as written: its tour runs from the project folder, shell completion works as
documented, its dependencies are the ones the code uses, and the docs link nothing outside the repo."""
import os
import re
import subprocess
import sys
import tomllib

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def code_block_after(heading: str) -> list[str]:
    """The command lines (not comments, not blank) of the first ```sh block after `heading`."""
    rest = README[README.index(heading):]
    block = re.search(r"```sh\n(.*?)```", rest, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def shell_env(tmp_path_factory):
    """PATH with `wfikb` as a user runs it (the console script's name, this checkout's code)."""
    bin_dir = tmp_path_factory.mktemp("bin")
    shim = bin_dir / "wfikb"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'import sys; sys.argv[0] = \"wfikb\"; "
                    "from wfikb.cli import main; main()' \"$@\"\n")
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}


TOUR = code_block_after("## A short tour")


def test_the_tour_names_only_shipped_files():
    for line in TOUR:
        for word in line.split():
            if re.search(r"\.(toml|json|lp)$", word):
                assert (ROOT / word).is_file(), f"README tour names {word}, which is not in the repository"


@pytest.mark.slow
@pytest.mark.parametrize("command", TOUR)
def test_every_tour_command_runs_as_written(shell_env, command):
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, env=shell_env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    assert proc.stdout.strip() and proc.stderr == ""


def test_shell_completion_works_as_documented(shell_env):
    lines = code_block_after("**Shell completion**")
    assert {re.search(r"_WFIKB_COMPLETE=(\w+)", l).group(1) for l in lines} == {"bash_source", "zsh_source", "fish_source"}
    for shell in ("bash", "zsh", "fish"):
        proc = subprocess.run(["wfikb"], env={**shell_env, "_WFIKB_COMPLETE": f"{shell}_source"},
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and proc.stderr == ""
        assert "_WFIKB_COMPLETE" in proc.stdout and "wfikb" in proc.stdout
    proc = subprocess.run(["bash", "-c", lines[0] + "\ncomplete -p wfikb"], env=shell_env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "wfikb" in proc.stdout, proc.stderr


def test_every_declared_dependency_is_used():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    code = "\n".join(p.read_text() for p in (ROOT / "wfikb").rglob("*.py"))
    for dep in deps:
        name = re.match(r"[A-Za-z0-9_.-]+", dep).group().lower().replace("-", "_")
        assert re.search(rf"^\s*(import|from) {name}\b", code, re.M), f"{dep} is a dependency no module imports"


DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_link_nothing_outside_the_repository(doc):
    text = doc.read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"(https?|mailto):|#", target):
            continue
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name}: link {target} leaves the repository or is missing"
    outside = re.findall(r"(?:\.\./)+shared\b|\bshared/(?:domain|contract|seeds|design)", text)
    assert not outside, f"{doc.name} points outside the repository: {outside}"
