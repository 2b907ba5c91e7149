"""工作例会 tab: meetings, attendance, the review of earlier decisions and the minutes."""
