/* y1_input.c: regular-file checks and bounded whole-file reads for every input reader. */
#include "common/y1_input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open read-only without blocking (a FIFO's open would wait for a writer), then insist on a
 * regular file. Returns the descriptor, or -1 with err set. */
static int open_regular(const char *path, const char *what, y1_err *err, off_t *size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        y1_errf(err, Y1_EIO, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        const char *kind = S_ISDIR(st.st_mode) ? "a directory"
                         : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)"
                         : S_ISSOCK(st.st_mode) ? "a socket" : "a device";
        y1_errf(err, Y1_EIO, "%s: is %s, expected %s", path, kind, what);
        close(fd);
        return -1;
    }
    /* reads of a regular file never block; clear the flag anyway for the stdio that follows */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if (size) *size = st.st_size;
    return fd;
}

int y1_input_check(const char *path, const char *what, y1_err *err)
{
    int fd = open_regular(path, what, err, NULL);
    if (fd < 0) return Y1_EIO;
    close(fd);
    return Y1_OK;
}

int y1_input_open(void **fp, const char *path, const char *what, y1_err *err)
{
    int fd = open_regular(path, what, err, NULL);
    if (fd < 0) return Y1_EIO;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, strerror(e));
    }
    *fp = f;
    return Y1_OK;
}

int y1_input_read(char **text, size_t *len, const char *path, const char *what,
                  size_t max_bytes, y1_err *err)
{
    off_t size = 0;
    int rc = Y1_OK, fd = open_regular(path, what, err, &size);
    char *buf = NULL;
    size_t n = 0;
    if (fd < 0) return Y1_EIO;
    if ((unsigned long long)size > max_bytes) {
        rc = y1_errf(err, Y1_EINPUT, "%s: %lld bytes; %s is at most %zu bytes", path,
                     (long long)size, what, max_bytes);
        goto done;
    }
    /* the size may change under us: read to the end, but never past the bound */
    size_t cap = (size_t)size + 1;
    if (!(buf = malloc(cap))) {
        rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (;;) {
        if (n + 1 == cap) {
            if (n > max_bytes) {
                rc = y1_errf(err, Y1_EINPUT, "%s: more than %zu bytes; %s is at most %zu bytes",
                             path, max_bytes, what, max_bytes);
                goto done;
            }
            size_t nc = 2 * cap > max_bytes + 2 ? max_bytes + 2 : 2 * cap;
            char *b = realloc(buf, nc);
            if (!b) {
                rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            buf = b;
            cap = nc;
        }
        ssize_t got = read(fd, buf + n, cap - 1 - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            rc = y1_errf(err, Y1_EIO, "%s: read error: %s", path, strerror(errno));
            goto done;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    buf[n] = 0;
    *text = buf;
    *len = n;
    buf = NULL;
done:
    free(buf);
    close(fd);
    return rc;
}
