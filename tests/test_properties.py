"""Whole-policy properties over generated scenarios (strategies read the vocabulary declaration)."""
from hypothesis import HealthCheck, given, settings

from wfikb import result as results
from wfikb.model import Regime, Status
from wfikb.strategies import scenarios
from wfikb.vocabulary import REGIMES


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_asked_activity_gets_exactly_one_status_and_every_uc_claimant_one_regime(engine, sc):
    m = engine.evaluate(sc).model
    statuses = m.query(Status)
    for act in sc.activities:
        got = [s.status for s in statuses if s.activity == act]
        assert len(got) == 1, (act, got)
    regimes = [r.regime for r in m.query(Regime)]
    if sc.claimant["benefit"] == "universal_credit":
        assert len(regimes) == 1 and regimes[0] in REGIMES
    else:
        assert regimes == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_sanction_risk_only_attaches_to_mandatory_activities_and_every_conclusion_is_cited(engine, sc):
    res = results.result(engine.evaluate(sc))
    for act, entry in res["activities"].items():
        if entry["sanction_risk"]:
            assert entry["status"] == "mandatory", act
        assert entry["because"], act
    for c in res["conclusions"]:
        assert c["rule"] and c["citation"] and c["text"]
