"""入户走访 tab: the household register, the chosen household's panel, the visit form, coverage."""
