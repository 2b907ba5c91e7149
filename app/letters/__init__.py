"""告知书 and 承诺书: templates, addressees, printing in batches with numbers, the values a letter
was
printed with, and each letter's way to 已签回."""
