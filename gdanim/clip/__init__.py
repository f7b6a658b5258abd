"""One clip: its request, the manim render, the GIF, and the tasks that write its files."""
