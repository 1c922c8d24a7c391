/* cadence.c: placeholder. */
#include "cadence/cadence.h"
const char CAD_BANDS[CAD_NBANDS + 1] = "ugrizy";
