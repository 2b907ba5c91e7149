"""Quarterly meetings: the register, attendance, decisions (议定事项) and the minutes (会议纪要)."""
