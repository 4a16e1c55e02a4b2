"""Rule terms as plain Python templates.

The loader turns each head and condition of a rule into a template once; explanations then fill
templates with the values the solver recorded (`instantiate`), test them against atoms of the model
(`match`) and show them (`show`). Plain tuples are fast to walk and can be cached between runs,
unlike clingo's AST.

Template forms:
  ("v", name)                    a variable ("_" anonymous)
  ("n", int) / ("s", str)        a number / a string
  ("f", name, (args...))         a function, constant (no args) or tuple (name "")
  ("b", op, left, right)         arithmetic: + - * / \\ ** & ? ^
  ("u", op, arg)                 unary: - (minus), | (absolute), ~ (complement)
  ("other", text)                anything else, shown as written
"""
from __future__ import annotations

from clingo import Function, Number, String, Symbol, SymbolType, ast

from wfikb.symbols import function
from clingo.ast import ASTType

ANY = Function("_")

_BIN = {ast.BinaryOperator.Plus: "+", ast.BinaryOperator.Minus: "-", ast.BinaryOperator.Multiplication: "*",
        ast.BinaryOperator.Division: "/", ast.BinaryOperator.Modulo: "\\", ast.BinaryOperator.Power: "**",
        ast.BinaryOperator.And: "&", ast.BinaryOperator.Or: "?", ast.BinaryOperator.XOr: "^"}
_UN = {ast.UnaryOperator.Minus: "-", ast.UnaryOperator.Absolute: "|", ast.UnaryOperator.Negation: "~"}
CMP = {ast.ComparisonOperator.Equal: "=", ast.ComparisonOperator.NotEqual: "!=",
       ast.ComparisonOperator.LessThan: "<", ast.ComparisonOperator.LessEqual: "<=",
       ast.ComparisonOperator.GreaterThan: ">", ast.ComparisonOperator.GreaterEqual: ">="}
_TEST = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
         "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


# ------------------------------------------------------------------ from clingo's AST (loading only)
def from_ast(node) -> tuple:
    t = node.ast_type
    if t == ASTType.Variable:
        return ("v", node.name)
    if t == ASTType.SymbolicTerm:
        return from_symbol(node.symbol)
    if t == ASTType.Function:
        return ("f", node.name, tuple(from_ast(a) for a in node.arguments))
    if t == ASTType.BinaryOperation:
        return ("b", _BIN[node.operator_type], from_ast(node.left), from_ast(node.right))
    if t == ASTType.UnaryOperation:
        return ("u", _UN[node.operator_type], from_ast(node.argument))
    return ("other", str(node))


def from_symbol(sym: Symbol) -> tuple:
    if sym.type == SymbolType.Number:
        return ("n", sym.number)
    if sym.type == SymbolType.String:
        return ("s", sym.string)
    if sym.type == SymbolType.Function:
        return ("f", sym.name, tuple(from_symbol(a) for a in sym.arguments))
    return ("other", str(sym))


def comparison_from_ast(cmp) -> tuple:
    """(left, ((op, right), ...)) of a comparison literal's atom."""
    return (from_ast(cmp.term), tuple((CMP[g.comparison], from_ast(g.term)) for g in cmp.guards))


# ------------------------------------------------------------------ filling and testing
def variables(t: tuple) -> set[str]:
    kind = t[0]
    if kind == "v":
        return {t[1]}
    if kind == "f":
        out: set[str] = set()
        for a in t[2]:
            out |= variables(a)
        return out
    if kind == "b":
        return variables(t[2]) | variables(t[3])
    if kind == "u":
        return variables(t[2])
    return set()


def instantiate(t: tuple, env: dict, wildcard: bool = False) -> Symbol:
    """The symbol a template stands for under env; KeyError if a variable is unbound."""
    kind = t[0]
    if kind == "v":
        if t[1] == "_" and wildcard:
            return ANY
        return env[t[1]]
    if kind == "f":
        return function(t[1], [instantiate(a, env, wildcard) for a in t[2]])
    if kind == "n":
        return Number(t[1])
    if kind == "s":
        return String(t[1])
    if kind == "b":
        return Number(_arith(t[1], instantiate(t[2], env, wildcard).number, instantiate(t[3], env, wildcard).number))
    if kind == "u":
        v = instantiate(t[2], env, wildcard).number
        return Number(-v if t[1] == "-" else abs(v) if t[1] == "|" else ~v)
    raise KeyError(t[1])


def _arith(op: str, a: int, b: int) -> int:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op in ("/", "\\"):
        q = abs(a) // abs(b)            # clingo divides towards zero
        q = q if (a >= 0) == (b >= 0) else -q
        return q if op == "/" else a - b * q
    if op == "**":
        return a ** b
    if op == "&":
        return a & b
    if op == "?":
        return a | b
    return a ^ b


def match(t: tuple, sym: Symbol, env: dict) -> dict | None:
    """env extended so that t equals sym, or None. '_' matches anything."""
    kind = t[0]
    if kind == "v":
        name = t[1]
        if name == "_":
            return env
        bound = env.get(name)
        if bound is not None:
            return env if bound == sym else None
        new = dict(env)
        new[name] = sym
        return new
    if kind == "f":
        if sym.type != SymbolType.Function or sym.name != t[1]:
            return None
        args = sym.arguments
        if len(args) != len(t[2]):
            return None
        for a, s in zip(t[2], args):
            env = match(a, s, env)
            if env is None:
                return None
        return env
    try:
        return env if instantiate(t, env) == sym else None
    except (KeyError, ZeroDivisionError):
        return None


def compare(cmp: tuple, env: dict, assigns: str | None = None) -> dict | None:
    """env if the comparison holds (binding `assigns` first when it is unbound), else None."""
    left, guards = cmp
    try:
        if assigns and assigns not in env:
            new = dict(env)
            new[assigns] = instantiate(guards[0][1], env)
            return new
        value = instantiate(left, env)
        for op, right in guards:
            other = instantiate(right, env)
            if not _TEST[op](value, other):
                return None
            value = other
        return env
    except (KeyError, ZeroDivisionError):
        return None


# ------------------------------------------------------------------ showing
def show(t: tuple) -> str:
    """The template as written in the rule."""
    kind = t[0]
    if kind == "v":
        return t[1]
    if kind == "n":
        return str(t[1])
    if kind == "s":
        return '"' + t[1].replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind == "f":
        if not t[2]:
            return t[1] if t[1] else "()"
        inner = ",".join(show(a) for a in t[2])
        return f"{t[1]}({inner}{',' if not t[1] and len(t[2]) == 1 else ''})"
    if kind == "b":
        return f"{_operand(t[2], show)}{t[1]}{_operand(t[3], show)}"
    if kind == "u":
        return f"|{show(t[2])}|" if t[1] == "|" else f"{t[1]}{show(t[2])}"
    return t[1]


def _operand(t: tuple, shown) -> str:
    # A nested operation keeps its brackets: (X+99)/100 must not read as X+99/100.
    return f"({shown(t)})" if t[0] == "b" else shown(t)


def show_operands(t: tuple, env: dict) -> str:
    """The template as written, each variable replaced by its value: how a value was computed
    ("1270*3500*50"), where `show_value` gives only the result."""
    if t[0] == "v":
        return str(env[t[1]]) if t[1] in env else t[1]
    if t[0] == "b":
        return (f"{_operand(t[2], lambda x: show_operands(x, env))} {t[1]} "
                f"{_operand(t[3], lambda x: show_operands(x, env))}")
    if t[0] == "u" and t[1] == "-":
        return f"-{show_operands(t[2], env)}"
    return show_value(t, env)


def show_value(t: tuple, env: dict) -> str:
    """The template's value under env where it can be computed, else as written."""
    try:
        return str(instantiate(t, env))
    except (KeyError, ZeroDivisionError):
        return show(t)


def show_comparison(cmp: tuple) -> str:
    left, guards = cmp
    return " ".join([show(left)] + [f"{op} {show(r)}" for op, r in guards])

