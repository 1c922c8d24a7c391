/* check.h: the tiny assertion kit every test program uses. A failed check prints
 * "file:line: what failed" and the program exits non-zero at the end (CHECK_DONE). */
#ifndef Y1_CHECK_H
#define Y1_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed_ = 0, check_passed_ = 0;

#define CHECK(cond) do { if (cond) check_passed_++; else { check_failed_++; \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_MSG(cond, ...) do { if (cond) check_passed_++; else { check_failed_++; \
    fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    CHECK_MSG(a_ == b_, "%s = %lld, expected %lld", #a, a_, b_); } while (0)
#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); \
    CHECK_MSG(fabs(a_ - b_) <= (tol), "%s = %.12g, expected %.12g +- %g", #a, a_, b_, \
              (double)(tol)); } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    CHECK_MSG(a_ && b_ && !strcmp(a_, b_), "%s = '%s', expected '%s'", #a, a_ ? a_ : "(null)", \
              b_ ? b_ : "(null)"); } while (0)
/* substring check, for error messages */
#define CHECK_HAS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
    CHECK_MSG(h_ && strstr(h_, n_), "'%s' does not contain '%s'", h_ ? h_ : "(null)", n_); \
    } while (0)
#define CHECK_DONE() do { printf("%d passed, %d failed\n", check_passed_, check_failed_); \
    return check_failed_ ? 1 : 0; } while (0)

/* The real data files the tests read, shipped in tests/data/ (sources and checksums in its
 * README); paths are relative to the repository root, the tests' working directory. */
#define Y1_TESTDATA "tests/data/"

#endif
