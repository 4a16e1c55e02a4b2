"""A small profile of the fuzzer (`python -m wfikb.fuzz --count 100000` is the full run, docs/robustness.md)."""
from wfikb import fuzz


def test_a_small_fuzz_run_finds_no_traceback_no_invariant_violation_and_no_odd_exit():
    tally = fuzz.fuzz(200, seed=7, cli_share=0.05, batch=50)
    c = tally.counts
    assert c["inputs"] == 200 and c["valid inputs"] > 20 and c["mutated inputs"] > 100
    assert c["api: evaluated"] > 20 and c["api: refused input"] > 20
    report = fuzz.report(tally, 0)
    assert (c["tracebacks"], c["invariant violations"], c["exits other than 0 or 2"]) == (0, 0, 0), report


def test_the_fuzzer_counts_a_traceback_and_an_odd_exit(monkeypatch):
    from wfikb import scenario
    def broken(*a, **k):
        raise ValueError("boom")
    monkeypatch.setattr(scenario, "from_dict", broken)
    tally = fuzz.Tally()
    assert fuzz.run_api_single(None, {"id": "x"}, tally) is None
    assert tally.counts["tracebacks"] == 1
    fuzz.run_cli(["explain", "no-such-file.toml", "--why", "regime=work_preparation"], tally, b"")
    fuzz.run_cli(["no-such-command"], tally, b"")
    assert tally.counts["cli: exit 2"] == 2


def test_mutations_reach_every_kind_of_damage():
    import random
    rng = random.Random(3)
    base = {"id": "a", "date": "2020-01-01", "claimant": {"benefit": "jsa"}, "ask": {"activities": ["wfi"]}}
    seen = [fuzz.mutate(base, rng) for _ in range(300)]
    assert any(not isinstance(s, dict) for s in seen)
    assert any(isinstance(s, dict) and "claimant" not in s for s in seen)
    assert any(isinstance(s, dict) and isinstance(s.get("claimant"), dict) and
               len(s["claimant"].get("children", [])) == 200 for s in seen)
    assert base == {"id": "a", "date": "2020-01-01", "claimant": {"benefit": "jsa"}, "ask": {"activities": ["wfi"]}}
