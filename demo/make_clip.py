"""Make ``assets/glow-serum.mp4``, the demo's short clip (run once; the file is committed).

Frames are drawn by ``demo.media`` (the light sweeps over the bottle) and encoded H.264
(yuv420p, the moov box first so a browser plays it before the end arrives) by the ffmpeg
that ships in the ``imageio-ffmpeg`` wheel, which is not a dependency of the app::

    python -m venv /tmp/ffvenv && /tmp/ffvenv/bin/pip install imageio-ffmpeg pillow
    PYTHONPATH=. /tmp/ffvenv/bin/python -m demo.make_clip
"""

from __future__ import annotations

import math

from demo.media import CLIP, draw_shot

SIZE = (480, 270)
FPS = 15
SECONDS = 4


def main() -> None:
    import imageio_ffmpeg  # only where the clip is made

    writer = imageio_ffmpeg.write_frames(
        str(CLIP),
        SIZE,
        fps=FPS,
        codec="libx264",
        pix_fmt_out="yuv420p",
        macro_block_size=2,
        output_params=["-crf", "30", "-preset", "veryslow", "-movflags", "+faststart"],
    )
    writer.send(None)
    frames = FPS * SECONDS
    for index in range(frames):
        light = 0.5 - 0.45 * math.cos(2 * math.pi * index / frames)
        frame = draw_shot(
            SIZE,
            brand="Lumen Skincare",
            product="Glow Serum Drop",
            handle="@cara.creates",
            variant=3,
            light=light,
        )
        writer.send(frame.tobytes())
    writer.close()
    print(f"{CLIP}: {CLIP.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
