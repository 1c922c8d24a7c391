/* y1_input.h: opening an input file the same way in every reader. Only regular files are read:
 * a FIFO would block forever, and a directory or a device is not an input. */
#ifndef Y1_INPUT_H
#define Y1_INPUT_H

#include <stddef.h>

#include "common/y1_err.h"

/* Check that path names a regular file, without blocking on a FIFO. what says what was
 * expected ("a platform YAML file"). Returns Y1_OK, or Y1_EIO ("path: is a directory, expected
 * WHAT", "is a FIFO", "cannot open: ..."). For readers that open the file themselves (sqlite). */
int y1_input_check(const char *path, const char *what, y1_err *err);

/* Open a regular file for reading: *fp is a FILE * (void * keeps stdio out of this header)
 * that the caller fcloses; set only on success. Errors as y1_input_check. */
int y1_input_open(void **fp, const char *path, const char *what, y1_err *err);

/* Read a whole regular file of at most max_bytes into *text (NUL-terminated, *len bytes
 * without the NUL; the caller frees). A larger file is Y1_EINPUT with the bound in the
 * message. *text and *len are set only on success. */
int y1_input_read(char **text, size_t *len, const char *path, const char *what,
                  size_t max_bytes, y1_err *err);

#endif
