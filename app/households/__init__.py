"""Households, residents and household visits: the register and its search, the household
records, visits (one transaction each), the visit registers and coverage."""
