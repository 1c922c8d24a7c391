/* y1_out.c: atomic output files (temp file + rename), staged output directories swapped in
 * whole, and the cleanup of temporary paths on signals and after dead processes. */
#define _GNU_SOURCE
#include "common/y1_out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- tracked temporary paths and the signal handler ------------------------------------- */

enum { TMP_SLOTS = 16, TMP_PATH = 1024 };
static struct {
    volatile sig_atomic_t used;  /* set last on track, cleared first on untrack */
    int is_dir;
    char path[TMP_PATH];
} tmp_slot[TMP_SLOTS];

/* Remove a file, or a directory and the files in it, with async-signal-safe calls only
 * (open, getdents64 through syscall, unlinkat, rmdir): also used outside the handler. */
static void rm_path(const char *path, int is_dir)
{
    if (!is_dir) {
        unlink(path);
        return;
    }
#ifdef SYS_getdents64
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        long n;
        int again = 1;
        /* unlinking while reading can skip entries: read again until a pass removes nothing */
        while (again) {
            again = 0;
            lseek(fd, 0, SEEK_SET);
            while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
                for (long off = 0; off < n;) {
                    /* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
                    unsigned short reclen;
                    memcpy(&reclen, buf + off + 16, sizeof reclen);
                    const char *name = buf + off + 19;
                    if (strcmp(name, ".") && strcmp(name, "..") && unlinkat(fd, name, 0) == 0)
                        again = 1;
                    off += reclen;
                }
            }
        }
        close(fd);
    }
#endif
    rmdir(path);
}

static void on_signal(int sig)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (tmp_slot[i].used) rm_path(tmp_slot[i].path, tmp_slot[i].is_dir);
    /* die of the same signal, so the parent sees what happened */
    signal(sig, SIG_DFL);
    raise(sig);
}

void y1_tmp_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        /* a signal the caller ignores (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

int y1_tmp_track(const char *path, int is_dir, y1_err *err)
{
    if (strlen(path) >= TMP_PATH)
        return y1_errf(err, Y1_EIO, "%s: path too long for a temporary file", path);
    for (int i = 0; i < TMP_SLOTS; i++) {
        if (tmp_slot[i].used) continue;
        memcpy(tmp_slot[i].path, path, strlen(path) + 1);
        tmp_slot[i].is_dir = is_dir;
        tmp_slot[i].used = 1;
        return Y1_OK;
    }
    return y1_errf(err, Y1_EIO, "%s: more than %d temporary paths at once", path, TMP_SLOTS);
}

void y1_tmp_untrack(const char *path)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (tmp_slot[i].used && !strcmp(tmp_slot[i].path, path)) {
            tmp_slot[i].used = 0;
            return;
        }
}

/* ---- leftovers of dead processes -------------------------------------------------------- */

int y1_tmp_sweep(const char *dir, const char *prefix, const char *rest)
{
    size_t np = strlen(prefix);
    int removed = 0;
    char p[PATH_MAX];
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *s = e->d_name;
        if (strncmp(s, prefix, np) != 0) continue;
        s += np;
        char *end;
        errno = 0;
        long pid = strtol(s, &end, 10);
        if (end == s || *s < '0' || *s > '9' || errno || pid <= 1 || pid == (long)getpid())
            continue;
        if (rest[0] ? fnmatch(rest, end, FNM_PERIOD) != 0 : *end != '\0') continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours to ask */
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p) continue;
        struct stat st;
        if (lstat(p, &st) != 0) continue;
        rm_path(p, S_ISDIR(st.st_mode));
        removed += lstat(p, &st) != 0;
    }
    if (d) closedir(d);
    return removed;
}

/* dir and base name of path (copies into d and b) */
static void split_path(const char *path, char *d, char *b, size_t n)
{
    char t1[PATH_MAX], t2[PATH_MAX];
    snprintf(t1, sizeof t1, "%s", path);
    snprintf(t2, sizeof t2, "%s", path);
    snprintf(d, n, "%s", dirname(t1));
    snprintf(b, n, "%s", basename(t2));
}

/* dir itself, or where it points when it is a symbolic link (the link stays, its target is
 * replaced) */
static void resolve_dir(const char *dir, char *out, size_t n)
{
    struct stat st;
    char r[PATH_MAX];
    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode) && realpath(dir, r)) snprintf(out, n, "%s", r);
    else snprintf(out, n, "%s", dir);
}

/* ---- single files ----------------------------------------------------------------------- */

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
    char d[PATH_MAX], b[PATH_MAX], pre[PATH_MAX + 8];
    if (!o) goto fail;
    o->path = strdup(path);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) goto fail;
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    split_path(path, d, b, sizeof d);
    snprintf(pre, sizeof pre, "%s.tmp.", b);
    y1_tmp_sweep(d, pre, "");
    if ((rc = y1_tmp_track(o->tmp, 0, err))) goto fail_msg;
    o->fp = fopen(o->tmp, "wb");
    if (!o->fp) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot write: %s", path, strerror(errno));
        y1_tmp_untrack(o->tmp);
        goto fail_msg;
    }
    *out = o;
    return Y1_OK;
fail:
    y1_errf(err, rc, "%s: out of memory", path);
fail_msg:
    if (o) { free(o->path); free(o->tmp); free(o); }
    return rc;
}

void *y1_out_fp(y1_out *o) { return o->fp; }

static void out_free(y1_out *o)
{
    y1_tmp_untrack(o->tmp);
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

/* ---- staged directories ----------------------------------------------------------------- */

/* Leftovers around dir: staging and set-aside directories beside it, and the staging
 * directories that older versions made inside it. */
static void stage_sweep(const char *dir)
{
    char d[PATH_MAX], b[PATH_MAX], pre[PATH_MAX + 32];
    split_path(dir, d, b, sizeof d);
    snprintf(pre, sizeof pre, ".%s.y1est-stage.", b);
    y1_tmp_sweep(d, pre, "");
    snprintf(pre, sizeof pre, ".%s.y1est-old.", b);
    y1_tmp_sweep(d, pre, "");
    y1_tmp_sweep(dir, ".y1est-stage.", "");
}

int y1_stage_open(const char *dir_given, char *stage, size_t n, y1_err *err)
{
    char d[PATH_MAX], b[PATH_MAX], dir[PATH_MAX];
    struct stat st;
    resolve_dir(dir_given, dir, sizeof dir);
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return y1_errf(err, Y1_EIO, "%s: cannot create directory: it exists and is not a "
                       "directory", dir);
    split_path(dir, d, b, sizeof d);
    if (!strcmp(b, ".") || !strcmp(b, "..") || !strcmp(b, "/"))
        return y1_errf(err, Y1_EIO, "%s: the output directory must be named by its own name "
                       "(not '.', '..' or '/'): it is replaced as a whole", dir);
    if (snprintf(stage, n, "%s/.%s.y1est-stage.%ld", d, b, (long)getpid()) >= (int)n)
        return y1_errf(err, Y1_EIO, "%s: path too long", dir);
    stage_sweep(dir);
    if (mkdir(stage, 0777) != 0)
        return y1_errf(err, Y1_EIO, "%s: cannot create directory %s: %s", dir, stage,
                       strerror(errno));
    int rc = y1_tmp_track(stage, 1, err);
    if (rc) rmdir(stage);
    return rc;
}

void y1_stage_abort(const char *stage)
{
    rm_path(stage, 1);
    y1_tmp_untrack(stage);
}

/* Step 1 of the commit: the entries of dir that are not managed outputs are linked into the
 * stage (a name the stage already has is the new run's own). */
static int carry_over(const char *stage, const char *dir, const char *const *managed,
                      y1_err *err)
{
    char a[PATH_MAX], b[PATH_MAX];
    int rc = Y1_OK;
    struct dirent *e;
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? Y1_OK : y1_errf(err, Y1_EIO, "%s: cannot read: %s", dir,
                                                    strerror(errno));
    while (!rc && (e = readdir(d))) {
        int ours = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                   !strncmp(e->d_name, ".y1est-stage.", 13);
        for (const char *const *m = managed; m && *m && !ours; m++)
            ours = fnmatch(*m, e->d_name, 0) == 0;
        if (ours) continue;
        if (snprintf(a, sizeof a, "%s/%s", dir, e->d_name) >= (int)sizeof a ||
            snprintf(b, sizeof b, "%s/%s", stage, e->d_name) >= (int)sizeof b) {
            rc = y1_errf(err, Y1_EIO, "%s: path too long", dir);
            break;
        }
        struct stat st;
        if (lstat(a, &st) != 0) continue; /* gone meanwhile */
        if (S_ISDIR(st.st_mode))
            rc = y1_errf(err, Y1_EIO, "%s: holds the directory '%s', which y1est did not write: "
                         "--out needs a directory of its own (it is replaced as a whole)", dir,
                         e->d_name);
        else if (access(b, F_OK) != 0 && linkat(AT_FDCWD, a, AT_FDCWD, b, 0) != 0)
            rc = y1_errf(err, Y1_EIO, "%s: cannot keep '%s' in the new directory: %s", dir,
                         e->d_name, strerror(errno));
    }
    closedir(d);
    return rc;
}

static int swap_dirs(const char *stage, const char *dir, y1_err *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        /* no directory yet: one rename makes it (onto an empty one made meanwhile, too) */
        if (rename(stage, dir) == 0) return Y1_OK;
        return y1_errf(err, Y1_EIO, "%s: cannot rename %s into place: %s", dir, stage,
                       strerror(errno));
    }
    chmod(stage, st.st_mode & 07777); /* the new directory keeps the old one's permissions */
#ifdef SYS_renameat2
    if (syscall(SYS_renameat2, AT_FDCWD, stage, AT_FDCWD, dir, 2 /* RENAME_EXCHANGE */) == 0)
        return Y1_OK;
    if (errno != ENOSYS && errno != EINVAL)
        return y1_errf(err, Y1_EIO, "%s: cannot swap in %s: %s", dir, stage, strerror(errno));
#endif
    /* fallback without RENAME_EXCHANGE: set the old set aside, then move the new one in */
    char d[PATH_MAX], b[PATH_MAX], old[2 * PATH_MAX];
    split_path(dir, d, b, sizeof d);
    if (snprintf(old, sizeof old, "%s/.%s.y1est-old.%ld", d, b, (long)getpid()) >= (int)sizeof old ||
        y1_tmp_track(old, 1, err))
        return y1_errf(err, Y1_EIO, "%s: path too long", dir);
    if (rename(dir, old) != 0) {
        y1_tmp_untrack(old);
        return y1_errf(err, Y1_EIO, "%s: cannot move aside: %s", dir, strerror(errno));
    }
    if (rename(stage, dir) != 0) {
        int e = errno;
        rename(old, dir); /* put the old set back */
        y1_tmp_untrack(old);
        return y1_errf(err, Y1_EIO, "%s: cannot rename %s into place: %s", dir, stage,
                       strerror(e));
    }
    /* the old set now lives at old: remove it where the stage would have held it */
    rm_path(old, 1);
    y1_tmp_untrack(old);
    return Y1_OK;
}

int y1_stage_commit(const char *stage, const char *dir_given, const char *const *managed,
                    y1_err *err)
{
    char d[PATH_MAX], b[PATH_MAX], dir[PATH_MAX];
    int rc;
    resolve_dir(dir_given, dir, sizeof dir);
    split_path(dir, d, b, sizeof d);
    /* one commit at a time per parent directory: concurrent runs into the same --out end with
     * one run's whole set (the last to commit), never a mix */
    int lk = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lk < 0 || flock(lk, LOCK_EX) != 0) {
        rc = y1_errf(err, Y1_EIO, "%s: cannot lock %s: %s", dir, d, strerror(errno));
        goto done;
    }
    if ((rc = carry_over(stage, dir, managed, err)) || (rc = swap_dirs(stage, dir, err)))
        goto done;
done:
    if (lk >= 0) close(lk); /* releases the lock */
    /* after a swap the stage name holds the old set; after a failure, the unfinished new one */
    y1_stage_abort(stage);
    stage_sweep(dir);
    return rc;
}
