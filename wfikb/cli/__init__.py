"""The `wfikb` command: `app` holds the group and the entry point; each module adds its commands
(`scenarios`: evaluate, explain, test, batch, timeline; `policy`: rules, lint, vocabulary;
`analysis`: overlay, diff, check, whatif; `reports`: report; `docs`: docs; `training`: generate,
worksheet, quiz; `service`: serve). Shared options live in `options`."""
from wfikb.cli.app import cli, main
from wfikb.cli import analysis, docs, policy, reports, scenarios, service, training  # noqa: F401  (register their commands)

__all__ = ["cli", "main"]
