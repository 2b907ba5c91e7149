"""The import wizard every Excel import uses (file, preview, confirm, run) and the household
roster's own pages (column mapping, per-row results)."""
