"""概览 and 督导考核 tabs: the overview, inspections, callbacks, 双降, titles and the assessment."""
