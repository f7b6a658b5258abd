"""State on disk: the manifest, atomic files and checksums, the cache (input hashes, media slots, timings)."""
