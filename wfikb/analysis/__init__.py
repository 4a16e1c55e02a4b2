"""Analysis over the policy: exhaustive diff, properties, what-if."""
