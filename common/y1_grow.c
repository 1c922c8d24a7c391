/* y1_grow.c: capacity doubling with an overflow check. */
#include "common/y1_grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_err.h"

int y1_grow(void *pp, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap) return Y1_OK;
    size_t c = *cap ? *cap : (first ? first : 16);
    while (c < need) {
        if (c > SIZE_MAX / 2) return Y1_ENOMEM;
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem) return Y1_ENOMEM;
    void *p;
    memcpy(&p, pp, sizeof p); /* pp is a T **: copy the pointer, no aliasing through void ** */
    void *q = realloc(p, c * elem);
    if (!q) return Y1_ENOMEM;
    memcpy(pp, &q, sizeof q);
    *cap = c;
    return Y1_OK;
}
