"""Publicity work: the activities units report (with photos) and the year's publicity plan."""
