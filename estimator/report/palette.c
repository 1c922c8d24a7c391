/* palette.c: task and product colours (contract in palette.h). */
#include "estimator/report/palette.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GREY 0x7f7f7fu

/* RTN-028's tasks in pipeline order, Tableau 10 without its grey. */
static const struct { const char *label; unsigned rgb; } tasks[] = {
    {"isr", 0x1f77b4},           {"characterizeImage", 0xff7f0e}, {"calibrate", 0x2ca02c},
    {"makeWarp", 0xd62728},      {"assembleCoadd", 0x9467bd},     {"detection", 0x8c564b},
    {"deblend", 0xe377c2},       {"measure", 0xbcbd22},           {"forcedPhotCoadd", 0x17becf},
};

/* RTN-028's products (data/products.yaml): the writing task's colour for its main product,
 * the light shade of the same Tableau 20 pair for its other one (assembleCoadd's nImage map). */
static const struct { const char *dataset; unsigned rgb; } products[] = {
    {"postISRCCD", 0x1f77b4},           {"icExp", 0xff7f0e},
    {"calexp", 0x2ca02c},               {"src", 0x98df8a},
    {"deepCoadd_directWarp", 0xd62728}, {"deepCoadd_psfMatchedWarp", 0xff9896},
    {"deepCoadd_nImage", 0xc5b0d5},     {"deepCoadd", 0x9467bd},
    {"deepCoadd_calexp", 0x8c564b},     {"deepCoadd_deblendedFlux", 0xe377c2},
    {"deepCoadd_meas", 0xbcbd22},       {"deepCoadd_forced_src", 0x17becf},
};

/* Tableau 20 without its two greys, then two darker colours: 20 for the hashed labels. */
static const unsigned hashed[20] = {0x1f77b4, 0xaec7e8, 0xff7f0e, 0xffbb78, 0x2ca02c, 0x98df8a,
                                    0xd62728, 0xff9896, 0x9467bd, 0xc5b0d5, 0x8c564b, 0xc49c94,
                                    0xe377c2, 0xf7b6d2, 0xbcbd22, 0xdbdb8d, 0x17becf, 0x9edae5,
                                    0x393b79, 0xad494a};

/* FNV-1a, 32 bits: the same text gives the same index on every machine. */
static unsigned hash_pick(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return hashed[h % 20];
}

unsigned plot_palette_task(const char *label)
{
    if (!label || !*label) return GREY;
    for (size_t i = 0; i < sizeof tasks / sizeof *tasks; i++)
        if (!strcmp(label, tasks[i].label)) return tasks[i].rgb;
    return hash_pick(label);
}

unsigned plot_palette_product(const char *dataset)
{
    if (!dataset || !*dataset) return GREY;
    for (size_t i = 0; i < sizeof products / sizeof *products; i++)
        if (!strcmp(dataset, products[i].dataset)) return products[i].rgb;
    return hash_pick(dataset);
}
