/* y1_time.h: the time stamps measured runs write (Parsl's monitoring.db, LSST task metadata):
 * "YYYY-MM-DD HH:MM:SS[.ffffff]" or the same with 'T', optionally ending "Z" or "+00:00".
 * Returned as seconds since 1970-01-01 as if UTC (Parsl writes local time without a zone:
 * only differences mean anything there). */
#ifndef Y1_TIME_H
#define Y1_TIME_H

/* Returns 0 and sets *out; -1 (out untouched) for anything else, e.g. another zone offset. */
int y1_time_parse(const char *s, double *out);

#endif
