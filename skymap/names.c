/* names.c: the footprint kinds, rotation modes and overlap rules by name, as options and
 * reports spell them. A new footprint kind is one entry in fp_names (and its geometry in footprint.c). */
#include <stdio.h>
#include <string.h>

#include "skymap/skymap.h"

#include "common/y1_list.h"

static const char *const fp_names[] = {"circle", "lsstcam"};       /* by sky_fp_kind */
static const char *const rot_names[] = {"rotskypos", "random"};    /* by sky_rot_mode */
static const char *const overlap_names[] = {"exact", "bbox"};      /* by sky_overlap_rule */

#define COUNT(a) (sizeof a / sizeof a[0])

const char *sky_fp_kind_name(sky_fp_kind k)
{
    return (unsigned)k < COUNT(fp_names) ? fp_names[k] : "?";
}

int sky_fp_kind_parse(const char *s, sky_fp_kind *out)
{
    for (size_t i = 0; s && i < COUNT(fp_names); i++)
        if (!strcmp(s, fp_names[i])) {
            *out = (sky_fp_kind)i;
            return Y1_OK;
        }
    return Y1_EINPUT;
}

/* "a, b or c" of a name table, formatted once (the tables are constant) */
#define LIST_OF(names)                                                                        \
    do {                                                                                      \
        static char list[128];                                                                \
        if (!list[0]) y1_list_join(list, sizeof list, names, COUNT(names), " or ");          \
        return list;                                                                          \
    } while (0)

const char *sky_fp_kind_list(void) { LIST_OF(fp_names); }
const char *sky_rot_mode_list(void) { LIST_OF(rot_names); }
const char *sky_overlap_rule_list(void) { LIST_OF(overlap_names); }

const char *sky_rot_mode_name(sky_rot_mode m)
{
    return (unsigned)m < COUNT(rot_names) ? rot_names[m] : "?";
}

const char *sky_overlap_rule_name(sky_overlap_rule r)
{
    return (unsigned)r < COUNT(overlap_names) ? overlap_names[r] : "?";
}

int sky_overlap_rule_parse(const char *s, sky_overlap_rule *out)
{
    for (size_t i = 0; s && i < COUNT(overlap_names); i++)
        if (!strcmp(s, overlap_names[i])) {
            *out = (sky_overlap_rule)i;
            return Y1_OK;
        }
    return Y1_EINPUT;
}

int sky_rot_mode_parse(const char *s, sky_rot_mode *out)
{
    for (size_t i = 0; s && i < COUNT(rot_names); i++)
        if (!strcmp(s, rot_names[i])) {
            *out = (sky_rot_mode)i;
            return Y1_OK;
        }
    return Y1_EINPUT;
}
