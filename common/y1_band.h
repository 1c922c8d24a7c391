/* y1_band.h: the one band table. Bands are indexed 0..5 in the order u, g, r, i, z, y
 * (blue to red), which is also the order of every per-band table and file. */
#ifndef Y1_BAND_H
#define Y1_BAND_H

#define Y1_NBANDS 6

extern const char y1_band_letters[Y1_NBANDS + 1]; /* "ugrizy" */

/* The index 0..5 of band letter c, or -1 when c is not one of ugrizy. */
int y1_band_index(int c);

/* The letter of band b (0..5) as a one-character string, e.g. "g"; "?" when out of range. */
const char *y1_band_name(int b);

#endif
