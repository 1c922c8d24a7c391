/* y1_num.h: the one strict number parser (command-line values, YAML scalars, CSV cells).
 * The whole text must be the number (leading blanks aside): no trailing characters, no NaN or
 * infinity, nothing beyond the range of a double or a long, and then inside [lo, hi]. */
#ifndef Y1_NUM_H
#define Y1_NUM_H

#include "common/y1_err.h"

/* Parse s (may be NULL) as a finite double in [lo, hi] into *out (set only on success).
 * name is what the value is called in the message. Returns Y1_OK, or Y1_EINPUT with err set to
 * "NAME: expected a finite number, got 'S'" or "NAME: S is out of range [LO, HI]"; the caller
 * puts the place (file:line:col) in front, or turns the status into Y1_EUSAGE for an option. */
int y1_num_double(const char *name, const char *s, double lo, double hi, double *out,
                  y1_err *err);

/* The same for a base-10 integer: "NAME: expected an integer, got 'S'" or
 * "NAME: V is out of range [LO, HI]". */
int y1_num_long(const char *name, const char *s, long lo, long hi, long *out, y1_err *err);

#endif
