"""Pictures for the demo's submissions, drawn with Pillow: a branded product shot (a bottle
with the brand's label on a backdrop of shapes in the brand's colours, the creator's handle
in a corner), different for each submission; and the short clip the Glow Serum Drop draft
sends (``assets/glow-serum.mp4``, made once from frames drawn here: see ``make_clip.py``).

Pure Pillow (no Django), so ``make_clip.py`` can draw its frames with it outside the app."""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CLIP = Path(__file__).resolve().parent / "assets" / "glow-serum.mp4"
SHOT_SIZE = (800, 1000)

# (backdrop, deep tone, accent, label); each brand starts at its own, each submission moves on.
PALETTES = [
    ((246, 231, 220), (120, 62, 60), (233, 150, 122), (255, 250, 245)),  # rose clay
    ((220, 236, 228), (30, 92, 74), (120, 190, 150), (250, 255, 252)),  # pine
    ((226, 232, 246), (40, 56, 120), (130, 150, 230), (250, 251, 255)),  # dusk blue
    ((248, 238, 210), (126, 84, 20), (232, 180, 70), (255, 252, 240)),  # honey
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def palette_of(brand: str, variant: int = 0) -> tuple[tuple[int, int, int], ...]:
    return PALETTES[(zlib.crc32(brand.encode()) + variant) % len(PALETTES)]


def _centered(
    draw: ImageDraw.ImageDraw, y: float, text: str, size: int, fill: tuple, room: float
) -> None:
    """``text`` centred across the frame at ``y``, shrunk until it fits ``room`` pixels."""
    width = draw.im.size[0]
    while True:
        font = _font(size)
        left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= room or size <= 8:
            break
        size -= 2
    draw.text(((width - (right - left)) / 2, y), text, font=font, fill=fill)


def draw_shot(
    size: tuple[int, int],
    *,
    brand: str,
    product: str,
    handle: str,
    variant: int,
    light: float = 0.35,
) -> Image.Image:
    """One frame: backdrop shapes placed by ``variant``, the bottle, its label, a light band
    at ``light`` (0–1 across the frame; the clip moves it)."""
    backdrop, deep, accent, label = palette_of(brand, variant)
    width, height = size
    unit = min(width, height) / 100
    image = Image.new("RGB", size, backdrop)
    draw = ImageDraw.Draw(image)
    chance = random.Random(variant)  # noqa: S311 - a drawing's layout, not a secret
    for _ in range(7):  # soft circles and a few rounded blocks behind the product
        r = chance.uniform(8, 30) * unit
        x, y = chance.uniform(0, width), chance.uniform(0, height)
        tone = accent if chance.random() < 0.6 else deep
        mix = tuple(int(b + (t - b) * 0.35) for b, t in zip(backdrop, tone, strict=True))
        if chance.random() < 0.7:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=mix)
        else:
            draw.rounded_rectangle((x - r, y - r / 2, x + r, y + r / 2), radius=r / 4, fill=mix)
    # A plinth, the bottle, its cap and label.
    cx, base = width / 2, height * 0.78
    bw, bh = 26 * unit, 46 * unit
    draw.ellipse((cx - 34 * unit, base - 5 * unit, cx + 34 * unit, base + 7 * unit), fill=deep)
    draw.rounded_rectangle(
        (cx - bw / 2, base - bh, cx + bw / 2, base), radius=5 * unit, fill=accent
    )
    draw.rounded_rectangle(
        (cx - bw / 5, base - bh - 12 * unit, cx + bw / 5, base - bh + 2 * unit),
        radius=2 * unit,
        fill=deep,
    )
    # The light band sweeping over the bottle, under its label.
    x = cx - bw / 2 + bw * light
    glint = [(x, base - bh + unit), (x + 3 * unit, base - bh + unit), (x - unit, base - unit)]
    draw.polygon(
        [*glint, (x - 4 * unit, base - unit)], fill=tuple(min(255, c + 50) for c in accent)
    )
    room = bw - 6 * unit
    draw.rectangle(
        (cx - bw / 2 + 2 * unit, base - bh * 0.72, cx + bw / 2 - 2 * unit, base - bh * 0.3),
        fill=label,
    )
    _centered(draw, base - bh * 0.66, brand.upper(), int(3 * unit), deep, room)
    _centered(draw, base - bh * 0.5, product, int(2.6 * unit), deep, room)
    _centered(draw, height * 0.06, product, int(6 * unit), deep, width - 8 * unit)
    draw.text((4 * unit, height - 9 * unit), handle, font=_font(int(4 * unit)), fill=deep)
    return image


def product_shot(*, brand: str, product: str, handle: str, variant: int) -> bytes:
    """A JPEG of the product, different for each ``variant``."""
    out = io.BytesIO()
    draw_shot(SHOT_SIZE, brand=brand, product=product, handle=handle, variant=variant).save(
        out, format="JPEG", quality=82
    )
    return out.getvalue()
