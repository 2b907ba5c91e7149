"""承诺书与告知书 tab: the letter register, printing batches, the signing pad and the template
editor."""
