"""Tools for an author at work: watch mode."""
