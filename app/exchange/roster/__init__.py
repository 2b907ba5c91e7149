"""The household roster import (住户花名册): columns, rows, cell normalisation, grouping into
households, matching against the database, the bulk write and the per-row report."""
