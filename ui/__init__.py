"""Qt windows, tabs, dialogs and table models; they show and ask, the logic lives in app/."""
