"""Dissuasion cases, clues with their confidential reporters, awards, commendations and criticism,
the figures of cases (per period, per month and village) and the typical-case collection."""
