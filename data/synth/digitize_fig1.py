#!/usr/bin/env python3
"""digitize_fig1.py: turn RTN-028 Figure 1 (Y1 pointing centres of baseline v2.0, coloured by
proposalId) into the 1 x 1 deg footprint mask that cadence/synth_footprint.c embeds.

Usage: python3 data/synth/digitize_fig1.py ../shared/data/opsim/rtn028/baseline_v2.0_cadence_Y1_observations.png \
           > cadence/synth_footprint.c
Pure Python (zlib only). Cells: RA 0..359 (1 deg), Dec -90..39 (1 deg). Classes: 'W' = WFD
(orange, proposalId 1; DDF marker colours count as WFD, they sit inside it), 'O' = Other (blue,
proposalId 0), '.' = no pointing centre. Axis calibration read from the PNG's tick marks:
x = 576 at RA 0, 1.37714 px/deg (RA grows leftwards); y = 59 at Dec +40, 2.70833 px/deg.
Under the legend box (80 % white) only the tinted colours count. Post-processing: cells below
Dec -70 that are not WFD are Other (the sparse south-cap scatter); isolated empty cells whose
4 neighbours are mostly one class, or lie between two cells of one class, take that class
(marker gaps, the legend frame); so do runs of up to 4 empty cells between two cells of one class;
a WFD cell with at most one WFD neighbour takes its neighbours' class."""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat = 8, b''
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype in (2, 6), 'only 8-bit RGB(A)'
        elif kind == b'IDAT':
            idat += body
    raw = zlib.decompress(idat)
    bpp = 3 if ctype == 2 else 4
    stride = width * bpp
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(height):
        ftype = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[i * bpp:i * bpp + 3]) for i in range(width)])
        prev = line
    return rows


PALETTE = [  # matplotlib tab10 colours of the 7 proposalIds, and the two under the legend box
    ((255, 127, 14), 'o'), ((31, 119, 180), 'b'),                  # 1 WFD, 0 Other
    ((255, 229, 206), 'o'), ((209, 227, 239), 'b'),                # same, under the 80 % white legend
    ((44, 160, 44), 'o'), ((214, 39, 40), 'o'), ((148, 103, 189), 'o'),
    ((140, 86, 75), 'o'), ((227, 119, 194), 'o'),                  # DDF markers 2..6 (inside WFD)
]
LEGEND = (82, 170, 62, 169)  # x0, x1, y0, y1 of the legend box in pixels


def pixel_class(px, x, y):
    in_legend = LEGEND[0] <= x <= LEGEND[1] and LEGEND[2] <= y <= LEGEND[3]
    if in_legend and min(x - LEGEND[0], LEGEND[1] - x, y - LEGEND[2], LEGEND[3] - y) < 3:
        return None                     # the legend frame and its anti-aliasing
    if in_legend and y < 122:
        return None                     # legend text and markers; no sky there above Dec +16.5
    best, kind = 1e9, None
    for i, (rgb, k) in enumerate(PALETTE):
        if in_legend != (i in (2, 3)):
            continue                    # inside the legend only the tinted colours are sky
        d = sum((a - b) ** 2 for a, b in zip(px, rgb)) ** 0.5
        if d < best:
            best, kind = d, k
    marker_column = in_legend and 90 <= x <= 104   # anti-aliased legend markers: be strict
    return kind if best < (12 if marker_column else 40) else None


X0, XS, Y0, YS = 576.0, 1.37714, 59.0, 2.70833
NRA, DEC_LO, NDEC = 360, -90, 130


def main():
    img = read_png(sys.argv[1])
    cnt = [[[0, 0] for _ in range(NRA)] for _ in range(NDEC)]
    for y in range(60, 427):
        for x in range(81, 576):
            k = pixel_class(img[y][x], x, y)
            if k is None:
                continue
            ra = (X0 - (x + 0.5)) / XS
            dec = 40.0 - (y + 0.5 - Y0) / YS
            i, j = int(ra) % NRA, int(dec - DEC_LO)
            if 0 <= j < NDEC:
                cnt[j][i][0 if k == 'o' else 1] += 1
    grid = [['.'] * NRA for _ in range(NDEC)]
    for j in range(NDEC):
        dec = DEC_LO + j
        for i in range(NRA):
            o, b = cnt[j][i]
            if o and o >= b:
                grid[j][i] = 'W'
            elif b:
                grid[j][i] = 'O'
            elif dec < -70:
                grid[j][i] = 'O'
    for _ in range(3):                  # fill gaps: the legend frame, marker spacing
        fixed = [row[:] for row in grid]
        for j in range(1, NDEC - 1):
            for i in range(NRA):
                if grid[j][i] != '.':
                    continue
                w, e = grid[j][(i - 1) % NRA], grid[j][(i + 1) % NRA]
                s, n = grid[j - 1][i], grid[j + 1][i]
                for k in 'WO':
                    if [w, e, s, n].count(k) >= 3 or (s == n == k) or (w == e == k):
                        fixed[j][i] = k
        grid = fixed
    for j in range(NDEC):               # short empty runs between two cells of one class
        row, i = grid[j], 0
        while i < NRA:
            if row[i] != '.':
                i += 1
                continue
            k = i
            while k < NRA and row[k] == '.':
                k += 1
            if 0 < i and k < NRA and k - i <= 4 and row[i - 1] == row[k]:
                for m in range(i, k):
                    row[m] = row[k]
            i = k
    isolated = [row[:] for row in grid]  # lone WFD cells (legend-marker spill, stray pixels)
    for j in range(1, NDEC - 1):
        for i in range(NRA):
            if grid[j][i] != 'W':
                continue
            nb = [grid[j + dj][(i + di) % NRA] for dj in (-1, 0, 1) for di in (-1, 0, 1)
                  if dj or di]
            if nb.count('W') <= 1:
                isolated[j][i] = 'O' if nb.count('O') >= nb.count('.') else '.'
    grid = isolated
    print('/* synth_footprint.c: GENERATED by data/synth/digitize_fig1.py from RTN-028 Figure 1')
    print(' * (lsst/rtn-028 _static/baseline_v2.0_cadence_Y1_observations.png). Do not edit by hand.')
    print(' * One string per 1-deg Dec row (Dec -90 first), run-length coded over RA 0..359:')
    print(" * <count><class>, class 'W' = WFD centres, 'O' = Other, '.' = none. */")
    print('#include "cadence/synth_internal.h"')
    print()
    print('const char *const syn_fig1_rows[SYN_MASK_NDEC] = {')
    for j in range(NDEC):
        runs, row, i = [], fixed[j], 0
        while i < NRA:
            k = i
            while k < NRA and row[k] == row[i]:
                k += 1
            runs.append('%d%s' % (k - i, row[i]))
            i = k
        print('    "%s", /* Dec %d */' % (''.join(runs), DEC_LO + j))
    print('};')


if __name__ == '__main__':
    main()
