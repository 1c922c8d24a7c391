/* format.h: the output formats, one enum for every subcommand's --format. Each subcommand
 * offers a subset (estimate and cadence summary: md, csv, json; campaign: md, json; skymap:
 * text, json); a new format is one entry here and one renderer per table. */
#ifndef EST_FORMAT_H
#define EST_FORMAT_H

#include <stddef.h>

#include "common/y1_err.h"

typedef enum { EST_FMT_TEXT = 0, EST_FMT_MD, EST_FMT_CSV, EST_FMT_JSON, EST_FMT_COUNT } est_format;

#define EST_FMT_BIT(f) (1u << (f))

/* "text", "md", "csv", "json"; "?" out of range. */
const char *est_format_name(est_format f);

/* Parse s as one of the formats in allowed (a mask of EST_FMT_BIT). Y1_OK, or Y1_EUSAGE with
 * "--format: expected md, csv or json, got 'S'" (the allowed names, in enum order). */
int est_format_parse(const char *s, unsigned allowed, est_format *out, y1_err *err);
/* The formats in allowed as "md, csv or json" (enum order) into out (n bytes). */
void est_format_list(char *out, size_t n, unsigned allowed);

#endif
