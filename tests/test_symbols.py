"""wfikb/symbols.py reads a clingo symbol once and gives what clingo gives, for every kind of symbol."""
from clingo import Function, Infimum, Number, String, Supremum, parse_term

from wfikb import symbols


def test_reads_agree_with_clingo_and_are_kept():
    terms = [parse_term("status(3,wfi,not_permitted)"), parse_term("p(1,(a,b),\"x y\",-4)"), Function("c"),
             Number(7), String("s"), Infimum, Supremum, parse_term("(1,2)")]
    for t in terms:
        assert symbols.args(t) == (t.arguments if t.type.name == "Function" else [])
        assert symbols.name(t) == (t.name if t.type.name == "Function" else None)
        assert symbols.text(t) == str(t)
        assert symbols.signature(t) == ((t.name, len(t.arguments)) if t.type.name == "Function" else None)
    t = parse_term("regime(1,work_preparation)")
    assert symbols.args(t) is symbols.args(parse_term("regime(1,work_preparation)"))   # read once
    made = symbols.function("regime", [Number(1), Function("work_preparation")])
    assert made == t and symbols.function("regime", [Number(1), Function("work_preparation")]) is made


def test_the_tables_stay_bounded(monkeypatch):
    monkeypatch.setattr(symbols, "LIMIT", 10)
    for i in range(50):
        symbols.args(Function("f", [Number(i)]))
        symbols.text(Number(i))
    assert len(symbols._ARGS) <= 11 and len(symbols._TEXT) <= 11
