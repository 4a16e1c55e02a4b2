"""The policy rules (clingo .lp files), shipped inside the installed package as wfikb.policy."""
