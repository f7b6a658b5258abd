"""A held frame is converted once and still encodes to the very stream manim's own encoder writes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from gdanim.clip.encoding import _ConvertOnceEncoder
from gdanim.clip.scene_render import ENCODER_OPTIONS
from tests.render_runs import decoded_frames


def _encode(encoder_class: type[VideoSegmentEncoder], target: Path, frames: list[tuple[np.ndarray, int]]) -> Path:
    spec = VideoEncoderSpec("mp4", "libx264", "yuv420p", 64, 48, Fraction(15), tuple(ENCODER_OPTIONS.items()))
    encoder = encoder_class(target=target, spec=spec)
    for pixels, repeat in frames:
        encoder.write_frame(pixels, repeat=repeat)
    encoder.finish()
    return target


@pytest.mark.unit
def test_repeated_frames_encode_to_manims_stream(tmp_path):
    rng = np.random.default_rng(7)
    frames = [(rng.integers(0, 256, (48, 64, 4), dtype=np.uint8), repeat) for repeat in (1, 5, 1, 12, 2)]
    ours = _encode(_ConvertOnceEncoder, tmp_path / "ours.mp4", frames)
    manims = _encode(VideoSegmentEncoder, tmp_path / "manim.mp4", frames)
    assert ours.read_bytes() == manims.read_bytes()
    decoded = decoded_frames(ours)
    assert len(decoded) == sum(repeat for _, repeat in frames) == 21
    assert not np.array_equal(decoded[5], decoded[6]), "the frame after a held one is the next picture"


def test_freed_heap_memory_goes_back_to_the_system():
    """Freed blocks between live ones stay mapped until trimmed (as an x264 encoder's buffers do between plays)."""
    import subprocess
    import sys

    probe = """
import resource, sys
from gdanim.clip.encoding import release_free_memory

def rss_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20

blocks = [(bytearray(100_000), bytearray(64)) for _ in range(3000)]  # 300 MB, each big block pinned by a small one
kept = [small for _, small in blocks]
del blocks
before = rss_mib()
release_free_memory()
print(before - rss_mib())
"""
    released = float(subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout)
    assert released > 150
