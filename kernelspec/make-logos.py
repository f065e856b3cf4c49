#!/usr/bin/env python3
"""Draws kernelspec/logo-32x32.png and logo-64x64.png (run from the package root); stdlib only."""

import math, struct, zlib, sys


def png(width, height, pixels):
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def logo(size):
    # Swift orange rounded square with two white interleaving half moons (the "moons" toy data).
    s = 4  # supersampling
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            cover_bg = cover_fg = 0
            for sy in range(s):
                for sx in range(s):
                    u = (x + (sx + 0.5) / s) / size
                    v = (y + (sy + 0.5) / s) / size
                    r = 0.2
                    dx = max(r - u, 0, u - (1 - r))
                    dy = max(r - v, 0, v - (1 - r))
                    if dx * dx + dy * dy <= r * r:
                        cover_bg += 1
                        # upper moon centered (0.4, 0.55), lower moon centered (0.6, 0.45), radius 0.22
                        for cx, cy, upper in ((0.40, 0.56, True), (0.60, 0.44, False)):
                            d = math.hypot(u - cx, v - cy)
                            if abs(d - 0.22) < 0.055 and ((v < cy) if upper else (v > cy)):
                                cover_fg += 1
                                break
            a = cover_bg / (s * s)
            f = cover_fg / max(cover_bg, 1)
            rgb = [
                round(240 * (1 - f) + 255 * f),
                round(81 * (1 - f) + 255 * f),
                round(56 * (1 - f) + 255 * f),
            ]
            row += rgb + [round(255 * a)]
        rows.append(row)
    return png(size, size, rows)


for size in (32, 64):
    open(f"kernelspec/logo-{size}x{size}.png", "wb").write(logo(size))
