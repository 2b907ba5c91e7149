"""Files in and out: reading spreadsheets, the household roster import, unit/grid/staff exchange
files, register exports and small .xlsx writing."""
