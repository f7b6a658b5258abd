"""Views of a manifest for readers: the gallery page and the Hugo export (its shortcode is package data here)."""
