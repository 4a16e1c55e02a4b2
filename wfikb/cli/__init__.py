"""The `wfikb` command: `app` holds the group and the entry point; each module adds its commands
(`scenarios`: evaluate, explain, test, batch, timeline; `policy`: rules, lint, vocabulary;
`analysis`: overlay, diff, check; `service`: serve). Shared options live in `options`."""
from wfikb.cli.app import cli, main
from wfikb.cli import analysis, policy, scenarios, service  # noqa: F401  (register their commands)
from wfikb.cli import training  # noqa: F401,E402  (generate, worksheet, quiz)

__all__ = ["cli", "main"]
