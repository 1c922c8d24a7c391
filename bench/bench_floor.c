/* bench_floor.c: the floor of the speed benchmark: a bare read, through sqlite3 and nothing
 * else, of the five columns the main job needs from every row of an OpSim cadence (fieldRA,
 * fieldDec, filter, night, proposalId), as a plain scan of the whole observations table.
 * Prints rows read, CPU seconds (user + system of this process) and wall seconds. The values
 * are summed so that nothing is optimised away. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_floor CADENCE.db\n");
        return 2;
    }
    double c0 = cpu_s(), w0 = wall_s();
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT fieldRA, fieldDec, filter, night, proposalId FROM "
                               "observations", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_floor: %s: %s\n", argv[1], db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return 3;
    }
    long long rows = 0, sum_i = 0;
    double sum_d = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *f = sqlite3_column_text(st, 2);
        sum_d += sqlite3_column_double(st, 0) + sqlite3_column_double(st, 1);
        sum_i += (f ? f[0] : 0) + sqlite3_column_int(st, 3) + sqlite3_column_int(st, 4);
        rows++;
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "bench_floor: %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 3;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("floor: %lld rows, cpu %.3f s, wall %.3f s (checksum %.6g %lld)\n", rows,
           cpu_s() - c0, wall_s() - w0, sum_d, sum_i);
    return 0;
}
