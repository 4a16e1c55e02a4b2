"""For trainers (docs/trainers.md): teaching pairs generated over the analysts' circumstance space
(`generate`), worksheets with answer keys (`worksheet`) and a terminal quiz (`quiz`)."""
