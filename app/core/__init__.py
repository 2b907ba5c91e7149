"""What every area shares: field validation, registers read a page at a time, record services,
the audit log, the office's calendar, ID numbers, masking, vocabularies, attachments, paths, logs
and the township profile. Depends on db/ only."""
