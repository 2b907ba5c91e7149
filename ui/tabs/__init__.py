"""The tabs of the main window; each declares its register and leaves the work to ui/register."""
