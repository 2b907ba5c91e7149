"""The database file as a whole: opening (choose, lock, migrate), backups and the `check`
command."""
