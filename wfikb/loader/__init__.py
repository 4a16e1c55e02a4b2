"""The policy loader: reads `policy/` (and overlays) into a `Policy` the engine runs and explanations read.

Modules, one job each:
- `source`: files -> checked clingo statements (UTF-8 text only; no `#include`, `#script`,
  `#external`, `#const`, `#show`, other `#program` parts, or `_`-prefixed predicates);
- `annotations`: `% @rule/@cite/@text/@in_force/@pred/@disable` blocks -> rule metadata;
- `rewrite`: the clingo AST transformers (`NameAnonymous`, `InForceGuard`, `RecordFiring`) and
  `safe_order`;
- `policy`: the data (`Rule`, `Clause`, conditions `Pos`, `Neg`, `Cmp`, `Agg`, `InForce`);
- `cache`: the on-disk cache (JSON with an HMAC, in a folder only the user can write);
- `conditions`: a rule's body -> typed conditions; `% @leaf` marks; `in_force(S, Name)` literals;
- `params`: ground `param/4` facts and how a later file overrides a parameter for a window;
- `roots`: the shipped policy folder and the core checks every policy gets;
- `load`: `Policy`, which puts these together.
"""
from wfikb.loader.load import Policy, default_policy_dir
from wfikb.loader.policy import FOREVER, SCENARIO_VAR, Agg, Clause, Cmp, Cond, InForce, Neg, Pos, Rule
from wfikb.loader.rewrite import FIRED, IN_FORCE, VIOLATED, WINDOW

__all__ = ["Policy", "default_policy_dir", "Rule", "Clause", "Cond", "Pos", "Neg", "Cmp", "Agg", "InForce",
           "FIRED", "IN_FORCE", "VIOLATED", "WINDOW", "FOREVER", "SCENARIO_VAR"]
