"""What the office watches and reports: inspections, callback sampling, fraud-free titles, the
annual assessment, 双降, the monthly notice, the overview figures and what is overdue."""
