/* y1_out.c: atomic output files (temp file + rename) and staged output directories. */
#include "common/y1_out.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct y1_out {
    FILE *fp;
    char *path;     /* final name */
    char *tmp;      /* temp name in the same directory, so rename() is atomic */
};

int y1_out_open(y1_out **out, const char *path, y1_err *err)
{
    int rc = Y1_ENOMEM;
    y1_out *o = calloc(1, sizeof *o);
    size_t n = strlen(path) + 32;
    if (!o) goto fail;
    o->path = strdup(path);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) goto fail;
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    o->fp = fopen(o->tmp, "wb");
    if (!o->fp) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot write: %s", path, strerror(errno));
        goto fail;
    }
    *out = o;
    return Y1_OK;
fail:
    if (rc == Y1_ENOMEM) y1_errf(err, rc, "%s: out of memory", path);
    if (o) { free(o->path); free(o->tmp); free(o); }
    return rc;
}

void *y1_out_fp(y1_out *o) { return o->fp; }

static void out_free(y1_out *o)
{
    free(o->path);
    free(o->tmp);
    free(o);
}

int y1_out_commit(y1_out *o, y1_err *err)
{
    int rc = Y1_OK;
    int bad = ferror(o->fp);
    if (fclose(o->fp) != 0 || bad) {
        rc = y1_errf(err, Y1_EIO, "%s: write failed: %s", o->path, strerror(errno));
        remove(o->tmp);
    } else if (rename(o->tmp, o->path) != 0) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot rename %s into place: %s", o->path, o->tmp,
                     strerror(errno));
        remove(o->tmp);
    }
    out_free(o);
    return rc;
}

void y1_out_abort(y1_out *o)
{
    if (!o) return;
    fclose(o->fp);
    remove(o->tmp);
    out_free(o);
}

int y1_stage_open(const char *dir, char *stage, size_t n, y1_err *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return y1_errf(err, Y1_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
    snprintf(stage, n, "%s/.y1est-stage.%ld", dir, (long)getpid());
    if (mkdir(stage, 0777) != 0)
        return y1_errf(err, Y1_EIO, "%s: cannot create directory: %s", stage, strerror(errno));
    return Y1_OK;
}

void y1_stage_abort(const char *stage)
{
    DIR *d = opendir(stage);
    struct dirent *e;
    char p[2048];
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", stage, e->d_name);
        remove(p);
    }
    if (d) closedir(d);
    rmdir(stage);
}

int y1_stage_commit(const char *stage, const char *dir, const char *const *managed,
                    y1_err *err)
{
    char a[2048], b[2048];
    int rc = Y1_OK;
    struct dirent *e;
    DIR *d = opendir(dir);
    while (d && (e = readdir(d))) {
        int ours = 0;
        for (const char *const *m = managed; m && *m && !ours; m++)
            ours = fnmatch(*m, e->d_name, 0) == 0;
        snprintf(a, sizeof a, "%s/%s", stage, e->d_name);
        snprintf(b, sizeof b, "%s/%s", dir, e->d_name);
        if (ours && access(a, F_OK) != 0) remove(b);
    }
    if (d) closedir(d);
    d = opendir(stage);
    while (d && (e = readdir(d)) && !rc) {
        if (e->d_name[0] == '.') continue;
        snprintf(a, sizeof a, "%s/%s", stage, e->d_name);
        snprintf(b, sizeof b, "%s/%s", dir, e->d_name);
        if (rename(a, b) != 0)
            rc = y1_errf(err, Y1_EIO, "%s: cannot rename into place: %s", b, strerror(errno));
    }
    if (d) closedir(d);
    y1_stage_abort(stage);
    return rc;
}
