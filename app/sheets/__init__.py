"""Spreadsheet files, whatever their domain: the rows of an import read and checked with the form
rules (.xlsx, .xls, .ods, .csv), small .xlsx tables written at once, and register exports."""
