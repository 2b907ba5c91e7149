"""The shared register machinery: table model, filter bar, form dialog and the register view."""
