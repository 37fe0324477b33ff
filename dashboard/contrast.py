"""Colour contrast as WCAG 2 measures it: colours in (``"#0072B2"``, ``"rgb(0 114 178)"``,
``"rgba(0, 0, 0, 0.6)"``), ratios out (1 to 21).

The theme, the caption colour and the presentation style sheet are checked with these numbers
(tests/test_a11y.py): 4.5:1 for ordinary text (WCAG AA), 7:1 for a projector (AAA). Pure: no
Streamlit.
"""

from __future__ import annotations

import re

AA = 4.5  # ordinary text, WCAG 2.x level AA
AAA = 7.0  # enhanced contrast (level AAA): what presentation mode keeps for a projector

RGB = tuple[float, float, float]

_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_FUNC = re.compile(r"^rgba?\(\s*([^)]*)\)$")


def parse(colour: str) -> tuple[RGB, float]:
    """A CSS colour (hex with 3, 6 or 8 digits, ``rgb()`` / ``rgba()``) -> ((r, g, b) in 0-255,
    alpha in 0-1). ValueError names the colour it cannot read."""
    text = colour.strip()
    if match := _HEX.match(text):
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        channels = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
        alpha = channels[3] / 255 if len(channels) == 4 else 1.0
        return (float(channels[0]), float(channels[1]), float(channels[2])), alpha
    if match := _FUNC.match(text):
        parts = [p for p in re.split(r"[\s,/]+", match.group(1)) if p]
        if len(parts) in (3, 4):
            try:
                rgb = tuple(float(p) for p in parts[:3])
                alpha = 1.0
                if len(parts) == 4:
                    a = parts[3]
                    alpha = float(a[:-1]) / 100 if a.endswith("%") else float(a)
            except ValueError:
                pass
            else:
                return (rgb[0], rgb[1], rgb[2]), alpha
    raise ValueError(f"not a colour: {colour!r}")


def blend(colour: str, background: str, opacity: float = 1.0) -> RGB:
    """The colour seen when ``colour`` (with its own alpha, times ``opacity``) is drawn over
    the opaque ``background``: what a caption drawn at 60 % opacity looks like."""
    (fg, alpha), (bg, _) = parse(colour), parse(background)
    a = alpha * opacity
    return (
        fg[0] * a + bg[0] * (1 - a),
        fg[1] * a + bg[1] * (1 - a),
        fg[2] * a + bg[2] * (1 - a),
    )


def luminance(rgb: RGB) -> float:
    """Relative luminance (WCAG 2) of an sRGB colour given in 0-255."""

    def linear(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(foreground: str, background: str, opacity: float = 1.0) -> float:
    """The contrast ratio of text in ``foreground`` (drawn at ``opacity``) on ``background``."""
    seen = blend(foreground, background, opacity)
    bg, _ = parse(background)
    lighter, darker = sorted((luminance(seen), luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tint(colour: str, background: str, amount: float) -> str:
    """``colour`` laid over ``background`` at ``amount`` (0-1), as ``#rrggbb``: the pale fill
    Streamlit draws behind a chosen segmented-control option (the primary colour at 10 %)."""
    r, g, b = blend(colour, background, amount)
    return "#{:02x}{:02x}{:02x}".format(*(round(c) for c in (r, g, b)))
