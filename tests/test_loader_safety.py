"""A policy is exactly the files given, and nothing in them or in the cache can reach further:
directives that read other files or run code are refused, so are the engine's own predicates and
files that are not text, and the cache neither runs code nor breaks a command (issue 13, items 3, 5)."""
import os
import pickle
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT, TOY_POLICY

TOY = FIXTURES / "scenarios" / "toy-lone-parent.toml"
HEAD = "% @rule t.a\n% @cite Act s.1\n% @text Text.\n"
OVERLAY_HEAD = "% @rule ov.extra\n% @cite Overlay s.1\n% @text Extra.\n"


def run(*args, env=None):
    """The real command with extra environment variables."""
    proc = subprocess.run([sys.executable, "-m", "wfikb", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={**os.environ, **(env or {})})
    return proc.returncode, proc.stdout, proc.stderr


def refused(stderr: str, *parts: str):
    """One line, no traceback, naming what is wrong."""
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    for part in parts:
        assert part in stderr, stderr


# ------------------------------------------------------------------ #include and other directives (item 3)
def test_an_include_in_an_overlay_is_refused_not_followed(write):
    secret = write("secret.lp", "% @rule s.x\n% @cite S\n% @text S.\nexempt(S) :- scenario(S).\n")
    overlay = write("ov.lp", OVERLAY_HEAD + "extra(S) :- scenario(S).\n" + f'#include "{secret}".\n')
    code, _, err = run("evaluate", TOY, "--policy", TOY_POLICY, "--overlay", overlay)
    assert code == 2
    refused(err, "ov.lp:5:", "#include is not allowed")


def test_an_include_in_a_policy_folder_is_refused(tmp_path):
    folder = tmp_path / "pol"
    folder.mkdir()
    (folder / "toy.lp").write_text(TOY_POLICY.joinpath("toy.lp").read_text())
    secret = tmp_path / "secret.lp"
    secret.write_text("% @rule s.x\n% @cite S\n% @text S.\nexempt(S) :- scenario(S).\n")
    (folder / "more.lp").write_text(f'%% more\n#include "{secret}".\n')
    code, _, err = run("rules", "--policy", folder)
    assert code == 2
    refused(err, "pol/more.lp:2:", "#include")


@pytest.mark.parametrize("text", [
    'a("%"). #include "x.lp".\n',                      # a '%' inside a string starts no comment
    'a("\\"%"). #include "x.lp".\n',                   # nor after an escaped quote
    '%* a %* nested *% comment *% #include "x.lp".\n',  # a nested comment ends where clingo ends it
    "#script (python)\nx = '%*'\n#end.\n#include \"x.lp\".\n",   # refused at the script, before clingo reads it
])
def test_an_include_is_found_wherever_clingo_would_read_it(text):
    from wfikb.errors import PolicyError
    from wfikb.loader import Policy
    with pytest.raises(PolicyError, match=r"p.lp:1: #(include|script) is not allowed"):
        Policy([("p.lp", text)])


def test_include_in_a_comment_or_a_string_is_only_text():
    from wfikb.loader import Policy
    text = HEAD + '% #include "x.lp".\n%* #include "y.lp". *%\nname("#include").\n'
    assert Policy([("p.lp", text)]).rules["t.a"].clauses


@pytest.mark.parametrize("text, message", [
    ('#script (python)\nimport os\n#end.\n', "p.lp:4: #script is not allowed"),
    ("#external a(1).\n", "p.lp:4: #external is not allowed"),
    ("#const n = 3.\n", "p.lp:4: #const is not allowed"),
    ("#show a/1.\n", "p.lp:4: #show is not allowed"),
    ("#program step(t).\n", "p.lp:4: #program parts are not allowed"),
    ("#heuristic a(1). [1, true]\n", "p.lp:4: only rules and facts are allowed"),
])
def test_directives_that_reach_outside_the_files_are_refused_by_name(text, message):
    from wfikb.errors import PolicyError
    from wfikb.loader import Policy
    with pytest.raises(PolicyError) as e:
        Policy([("p.lp", HEAD + text)])
    assert str(e.value).startswith(message)


# ------------------------------------------------------------------ overlays that are not policy text
def test_a_binary_overlay_is_one_line_naming_file_and_line(write):
    overlay = write("bin.lp", "")
    overlay.write_bytes(OVERLAY_HEAD.encode() + b"extra(S) :- scenario(S).\n\x00\x01\x02")
    code, _, err = run("rules", "--policy", TOY_POLICY, "--overlay", overlay)
    assert code == 2
    refused(err, "bin.lp:5:", "NUL byte")


def test_an_overlay_that_is_not_utf8_is_one_line_naming_file_and_line(write):
    overlay = write("latin.lp", "")
    overlay.write_bytes(OVERLAY_HEAD.encode() + "% caf\xe9\n".encode("latin-1"))
    code, _, err = run("rules", "--policy", TOY_POLICY, "--overlay", overlay)
    assert code == 2
    refused(err, "latin.lp:4:", "not UTF-8")


def test_an_overlay_with_a_syntax_error_is_one_line_naming_file_and_line(write):
    overlay = write("syn.lp", OVERLAY_HEAD + "extra(S :- scenario(S).\n")
    code, _, err = run("rules", "--policy", TOY_POLICY, "--overlay", overlay)
    assert code == 2
    refused(err, "wfikb: error: syn.lp:4:", "syntax error")


def test_an_overlay_may_not_forge_the_engines_records(write):
    overlay = write("internal.lp", OVERLAY_HEAD + "_fired(0, (1,)).\n")
    code, _, err = run("evaluate", TOY, "--policy", TOY_POLICY, "--overlay", overlay)
    assert code == 2
    refused(err, "internal.lp:4:", "predicate '_fired' is reserved")


@pytest.mark.parametrize("rule", [
    "_in_force(S, 0, 99991231) :- scenario(S).",          # a forged window
    "extra(S) :- scenario(S), _window(F, T), F < T.",     # reading the engine's own atoms
    "extra(S) :- scenario(S), not _fired(0, (S,)).",
    "extra(S) :- scenario(S), #count { X : _fired(X, _) } > 0.",
    "-_fired(0, (1,)).",
    "_mine(S) :- scenario(S).",                           # the whole '_' namespace is the engine's
])
def test_a_policy_may_not_define_or_read_the_engines_own_predicates(rule):
    from wfikb.errors import PolicyError
    from wfikb.loader import Policy
    with pytest.raises(PolicyError, match="internal.lp:4: predicate '_[a-z_]+' is reserved"):
        Policy([("internal.lp", OVERLAY_HEAD + rule + "\n")])


def test_a_condition_that_never_holds_is_refused_not_dropped():
    from wfikb.errors import PolicyError
    from wfikb.loader import Policy
    with pytest.raises(PolicyError, match=r"p.lp:4: rule t.a: a condition that never holds"):
        Policy([("p.lp", HEAD + "a(S) :- scenario(S), #false.\n")])
    assert "#true" not in Policy([("p.lp", HEAD + "a(S) :- scenario(S), #true.\n")]).program_text


# ------------------------------------------------------------------ the cache (item 5)
def _load_toy(tmp_path, monkeypatch, cache_dir):
    from wfikb.loader import Policy
    monkeypatch.delenv("WFIKB_NO_CACHE", raising=False)
    monkeypatch.setenv("WFIKB_CACHE_DIR", str(cache_dir))
    return Policy.load([TOY_POLICY])


class _Planted:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))     # runs when unpickled


def test_a_file_planted_as_the_cache_entry_runs_no_code(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    _load_toy(tmp_path, monkeypatch, cache_dir)
    [entry] = [p for p in cache_dir.iterdir() if p.name.startswith("policy-")]
    marker = tmp_path / "pwned"
    entry.write_bytes(pickle.dumps(_Planted(str(marker))))
    policy = _load_toy(tmp_path, monkeypatch, cache_dir)
    assert not marker.exists()
    assert "toy.require_wfi" in policy.rules


def test_a_forged_cache_entry_is_not_believed(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    fresh = _load_toy(tmp_path, monkeypatch, cache_dir)
    [entry] = cache_dir.glob("policy-*.data")
    entry.write_bytes(entry.read_bytes().replace(b"can_require(S,wfi)", b"not_permitted(S,wfi)"))
    assert _load_toy(tmp_path, monkeypatch, cache_dir).program_text == fresh.program_text


def test_in_a_cache_folder_others_can_write_only_a_private_folder_is_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    fresh = _load_toy(tmp_path, monkeypatch, shared)
    [entry] = shared.glob("**/policy-*")
    planted = shared / entry.name       # where a neighbour could write
    planted.write_bytes(entry.read_bytes().replace(b"can_require(S,wfi)", b"not_permitted(S,wfi)"))
    assert _load_toy(tmp_path, monkeypatch, shared).program_text == fresh.program_text
    assert [p.name for p in shared.iterdir() if p != planted] == [f"private-{os.getuid()}"]
    assert oct(entry.parent.stat().st_mode & 0o777) == oct(0o700)


def test_an_unusable_cache_folder_means_working_uncached_not_a_crash(tmp_path):
    too_long = tmp_path / ("x" * 5000)
    a_file = tmp_path / "file"
    a_file.write_text("")
    for folder in (too_long, a_file, a_file / "below"):
        code, out, err = run("evaluate", TOY, "--policy", TOY_POLICY, env={"WFIKB_CACHE_DIR": str(folder)})
        assert (code, err) == (0, ""), err
        assert "Regime" in out or "regime" in out


def test_a_cache_folder_the_user_cannot_enter_is_skipped(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    if os.getuid() == 0:
        # Root enters any folder, so the system is made to answer as it answers everyone else:
        # every call on a path inside the locked folder fails with EACCES.
        import errno
        for name in ("open", "stat", "lstat", "mkdir", "listdir", "scandir", "chmod", "replace", "unlink"):
            real = getattr(os, name)

            def refusing(path, *a, _real=real, **kw):
                if str(path).startswith(str(locked)):
                    raise PermissionError(errno.EACCES, "Permission denied", str(path))
                return _real(path, *a, **kw)
            monkeypatch.setattr(os, name, refusing)
    monkeypatch.setenv("WFIKB_CACHE_DIR", str(locked))
    try:
        from wfikb.loader import Policy
        policy = Policy.load([TOY_POLICY])      # works uncached: no error, nothing written
        assert policy.rules
        code, _, err = (0, "", "") if os.getuid() == 0 else run("rules", "--policy", TOY_POLICY,
                                                                  env={"WFIKB_CACHE_DIR": str(locked)})
    finally:
        monkeypatch.undo()
        locked.chmod(0o700)
    assert (code, err) == (0, "")
    assert list(locked.iterdir()) == []


def test_the_cache_key_covers_every_loader_module():
    from wfikb.loader import cache
    names = {p.name for p in cache.code_files()}
    assert {p.name for p in (ROOT / "wfikb" / "loader").glob("*.py")} | {"terms.py"} <= names
