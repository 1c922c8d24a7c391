/* products.h: data products and their sizes (YAML, data/products.yaml) for Table 4. Sizes carry
 * explicit units: MB (10^6 bytes), MiB (2^20), GB, GiB; totals are computed in bytes. */
#ifndef EST_PRODUCTS_H
#define EST_PRODUCTS_H

#include "common/y1_err.h"
#include "models/models.h"

typedef struct est_product {
    char task[64];
    char dataset[64];
    double size;          /* as written */
    char unit[8];         /* MB, MiB, GB, GiB */
    double size_bytes;    /* size x unit */
    mdl_level basis;      /* what one file is: one per CCD-visit, warp, coadd, patch, visit */
    int keep;             /* kept after processing */
    int line;             /* line of its entry in the products file (for messages) */
} est_product;

typedef struct est_products {
    est_product raw;      /* the raw data row (keep is 1) */
    est_product *v;       /* the products, in file order */
    size_t n;
    char path[512];
} est_products;

/* Load path. Y1_EINPUT with file:line:column for unknown keys, a unit that is not one of the
 * four, a basis that names no level, a negative or non-finite size. Free with
 * est_products_clear. */
int  est_products_load(est_products *out, const char *path, y1_err *err);
void est_products_clear(est_products *p);

#endif
