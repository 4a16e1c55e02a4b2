"""Reports for readers: what applies, why, on what law, and what would change it."""
