/* fuzz.h: what every libFuzzer target in fuzz/ shares. A target hands the fuzzer's bytes to one
 * file reader through a memfd (a file that lives in memory, opened by its /proc path), so the
 * readers run exactly as on a user's file: open, regular-file check, parse, every error path.
 * A reader may fail (that is most inputs); it must not crash, leak, hang or abort. */
#ifndef Y1_FUZZ_H
#define Y1_FUZZ_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "common/y1_err.h"

/* Run read(path) on the bytes: a memfd holding them, its path "/proc/self/fd/N". */
static inline int fuzz_on_file(const uint8_t *data, size_t size,
                               int (*read)(const char *path, y1_err *err))
{
    static int once = 0;
    if (!once) {
        gsl_set_error_handler_off();   /* as main does: GSL's default handler aborts */
        once = 1;
    }
    int fd = memfd_create("y1fuzz", MFD_CLOEXEC);
    if (fd < 0) abort();
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) abort();
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    y1_err err = {{0}};
    int rc = read(path, &err);
    /* a failure must say what and where: a status without a message is a bug too */
    if (rc != Y1_OK && !err.msg[0]) abort();
    close(fd);
    return 0;
}

#endif
