/* y1_sha256.h: SHA-256 (FIPS 180-4) of a file, and the identity outputs print for an input
 * file instead of its path: base name plus a short checksum, so no output holds a path of the
 * machine it ran on. None of the project's libraries offers a hash, hence this one. */
#ifndef Y1_SHA256_H
#define Y1_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "common/y1_err.h"

/* The digest of len bytes at data, as 64 lowercase hex digits and a NUL into hex. */
void y1_sha256_hex(const void *data, size_t len, char hex[65]);
/* The digest of the file at path into hex; its size into *size (may be NULL).
 * Returns Y1_OK, or Y1_EIO naming the file. */
int y1_sha256_file(const char *path, char hex[65], int64_t *size, y1_err *err);
/* "name.yaml (sha256 0123456789ab)" for path, into buf (size n): the base name and the first
 * 12 hex digits. An unreadable file gives "name.yaml (unreadable)". */
void y1_file_ident(const char *path, char *buf, size_t n);
/* The base name of path (borrowed pointer into path). */
const char *y1_basename(const char *path);

#endif
