/* y1_list.c: names joined for messages and help texts; the YAML files of a data directory. */
#include "common/y1_list.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/y1_grow.h"

void y1_list_join(char *out, size_t n, const char *const *names, size_t count, const char *last)
{
    size_t l = 0;
    if (!n) return; /* no room even for the terminator */
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        const char *sep = i == 0 ? "" : i + 1 == count ? last : ", ";
        int w = snprintf(out + l, n - l, "%s%s", sep, names[i]);
        if (w < 0 || (size_t)w >= n - l) {
            out[l] = '\0'; /* a cut name would read as another one */
            return;
        }
        l += (size_t)w;
    }
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t y1_list_yaml(char *out, size_t n, const char *dir, const char *last)
{
    char **names = NULL;
    size_t k = 0, cap = 0;
    struct dirent *e;
    DIR *d = opendir(dir);
    if (n) out[0] = '\0';
    if (!d) return 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= 5 || e->d_name[0] == '.' || strcmp(e->d_name + l - 5, ".yaml")) continue;
        /* out of memory: the list is what was read so far, as for a list too long for out */
        if (y1_grow(&names, &cap, k + 1, sizeof *names, 16) || !(names[k] = strndup(e->d_name, l - 5)))
            break;
        k++;
    }
    closedir(d);
    /* readdir's order is the file system's: sort, so messages and help read the same anywhere */
    if (k) qsort(names, k, sizeof *names, cmp_name);
    y1_list_join(out, n, (const char *const *)names, k, last);
    for (size_t i = 0; i < k; i++) free(names[i]);
    free(names);
    return k;
}
