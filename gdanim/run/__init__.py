"""Running renders: the plan (what to do), the executors (where), sweeps and progress bars."""
