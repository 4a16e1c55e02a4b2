"""`Engine.evaluate_each`: every refused scenario takes its own place, the others answered from the
same grounding (one ground and solve for the whole batch, however many are refused)."""
import pytest

from wfikb import engine as engine_module
from wfikb.errors import ContradictionError
from wfikb.scenario import from_dict


def _scenario(n, **claimant):
    return from_dict({"id": f"s{n}", "date": "2016-05-02", "claimant": {"born": "1980-01-01", **claimant},
                      "ask": {"activities": ["wfi"]}}, source=f"rec{n}")


def test_each_refusal_takes_its_place_and_the_batch_is_grounded_once(engine, monkeypatch):
    batch = [_scenario(0, benefit="universal_credit"),
             _scenario(1, benefit="jsa", esa_group="wrag"),                    # ESA group, not on ESA
             _scenario(2, benefit="income_support", lone_parent=True, couple=True),
             _scenario(3, benefit="esa_income_related", esa_group="wrag")]
    alone = [engine.evaluate_each([sc])[0] for sc in batch]
    calls = []
    real = engine_module._ground
    monkeypatch.setattr(engine_module, "_ground", lambda *a: (calls.append(1), real(*a))[1])
    got = engine.evaluate_each(batch)
    assert len(calls) == 1
    assert [type(x).__name__ for x in got] == ["Evaluation", "ContradictionError", "ContradictionError", "Evaluation"]
    assert str(got[1]) == str(alone[1]) and "claimant.esa_group = wrag" in str(got[1])
    assert str(got[2]) == str(alone[2]) and "claimant.couple" in str(got[2])
    for i in (0, 3):
        assert got[i].model.regime() == alone[i].model.regime()
        assert got[i].model.status("wfi") == alone[i].model.status("wfi")
    with pytest.raises(ContradictionError) as e:       # evaluate_batch still refuses the whole batch
        engine.evaluate_batch(batch)
    assert e.value.index == 1
