/* y1_band.c: the band letters ugrizy and their indexes. */
#include "common/y1_band.h"

const char y1_band_letters[Y1_NBANDS + 1] = "ugrizy";

int y1_band_index(int c)
{
    for (int b = 0; b < Y1_NBANDS; b++)
        if (y1_band_letters[b] == c) return b;
    return -1;
}

const char *y1_band_name(int b)
{
    static const char *const names[Y1_NBANDS] = {"u", "g", "r", "i", "z", "y"};
    return b >= 0 && b < Y1_NBANDS ? names[b] : "?";
}
