"""Domain services of 无诈台账: no Qt widgets here, so everything is testable without a window."""

__version__ = "0.1.0"
APP_NAME = "wuzha"
APP_TITLE = "无诈台账"
