/* test_monitor.c: the monitoring.db time stamps (Parsl's local "YYYY-MM-DD HH:MM:SS.ffffff"),
 * the report tables' renderings, and the validate verdict bands. Expected values by hand: Unix
 * times of dates from the calendar (2000-01-01 is 10,957 days after 1970-01-01: 30 years of 365
 * days plus the 7 leap days 1972 .. 1996). */
#include "tests/check.h"

#include "estimator/monitor.h"
#include "estimator/report/rtable.h"

static double t_of(const char *s)
{
    double t = NAN;
    return est_mon_parse_time(s, &t) ? -1 : t;
}

/* A described table rendered as Markdown (md) or CSV: the text, to free */
static char *dtab_text(const est_dtab *d, int md)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&mem, &len);
    if (md) est_dtab_md(fp, d, 0, -1);
    else est_dtab_csv(fp, d, -1);
    fclose(fp);
    return mem;
}

int main(void)
{
    /* the calendar: epoch, Y2K (10957 days), a leap day, the day after it, a century rule */
    CHECK_NEAR(t_of("1970-01-01 00:00:00"), 0, 0);
    CHECK_NEAR(t_of("2000-01-01 00:00:00"), 10957.0 * 86400, 0);
    /* 2000 is a leap year (divisible by 400): 2000-03-01 is 31 + 29 days after New Year */
    CHECK_NEAR(t_of("2000-03-01 00:00:00"), (10957.0 + 60) * 86400, 0);
    /* 2100 is not: 2100-03-01 - 2100-02-28 = 1 day */
    CHECK_NEAR(t_of("2100-03-01 00:00:00") - t_of("2100-02-28 00:00:00"), 86400, 0);
    CHECK_NEAR(t_of("2024-03-01 00:00:00") - t_of("2024-02-28 00:00:00"), 2 * 86400, 0);
    /* fractions to the microsecond, the ISO 'T' and a UTC suffix */
    CHECK_NEAR(t_of("2026-03-02 08:00:01.500000") - t_of("2026-03-02 08:00:00"), 1.5, 1e-6);
    CHECK_NEAR(t_of("2026-03-02T08:00:00.000001+00:00") - t_of("2026-03-02 08:00:00"), 1e-6, 1e-7);
    CHECK_NEAR(t_of("2026-03-02 23:59:59") - t_of("2026-03-02 00:00:00"), 86399, 0);
    /* not times */
    CHECK(t_of("2026-13-02 08:00:00") == -1);
    CHECK(t_of("2026-03-02") == -1);
    CHECK(t_of("yesterday") == -1);
    CHECK(t_of("2026-03-02 08:00:00+02:00") == -1);
    char buf[40];
    est_mon_format_time(t_of("2026-03-02 08:05:47.879469"), buf, sizeof buf);
    CHECK_STR(buf, "2026-03-02 08:05:47");
    CHECK_STR(est_mon_state_name(EST_MON_DEP_FAIL), "dep_fail");

    /* one table, four renderings */
    static const char *cols[] = {"label", "#jobs", "#ratio", NULL};
    est_tab t;
    y1_err err = {{0}};
    est_tab_init(&t, "demo", "Demo table", cols);
    CHECK_INT(est_tab_add(&t, "isr", &err), 0);
    CHECK_INT(est_tab_add(&t, "4", &err), 0);
    CHECK_INT(est_tab_add(&t, "1.250", &err), 0);
    CHECK_INT(est_tab_add(&t, "a,b \"c\"", &err), 0);
    CHECK_INT(est_tab_add(&t, "-", &err), 0);
    CHECK_INT(est_tab_add(&t, "x|y", &err), 0);
    CHECK_INT(est_tab_rows(&t), 2);
    char *mem = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&mem, &len);
    est_tab_csv(fp, &t);
    fclose(fp);
    CHECK_STR(mem, "# Demo table\nlabel,jobs,ratio\nisr,4,1.250\n\"a,b \"\"c\"\"\",-,x|y\n");
    free(mem);
    fp = open_memstream(&mem, &len);
    est_tab_md(fp, &t);
    fclose(fp);
    CHECK_HAS(mem, "| label | jobs | ratio |\n|---|---:|---:|\n| isr | 4 | 1.250 |\n");
    CHECK_HAS(mem, "| x\\|y |");
    free(mem);
    fp = open_memstream(&mem, &len);
    est_tab_text(fp, &t);
    fclose(fp);
    /* text: a blank and each cell after a blank, padded to its column's widest cell (label:
     * 7 for 'a,b "c"', jobs: 4, ratio: 5); numbers right-aligned, text left-aligned */
    CHECK_HAS(mem, "  label   jobs ratio\n  isr        4 1.250\n  a,b \"c\"    -   x|y\n");
    free(mem);
    json_t *j = est_tab_json(&t);
    char *js = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR(js, "{\"title\":\"Demo table\",\"rows\":[{\"label\":\"isr\",\"jobs\":4,\"ratio\":1.25},"
              "{\"label\":\"a,b \\\"c\\\"\",\"jobs\":null,\"ratio\":\"x|y\"}]}");
    free(js);
    json_decref(j);
    est_tab_clear(&t);

    /* a described table: a BOOL in both texts, a note after a number in Markdown only, NONE
     * ("| |") against an empty text ("|  |"), a text the table formatted and keeps */
    static const est_col dcols[] = {
        {{"name", "%s", 0}, {{"name", "%s", 0}}, 0},
        {{"size_mib", NULL, 0}, {{"size", "%.1f", 0}}, 1},
        {{"keep", "true|false", 0}, {{"keep", "Y|", 0}}, 0},
        {{"tag", "%s", 0}, {{"tag", "%s", 0}}, 0},
    };
    est_dtab d;
    est_dtab_init(&d, dcols, 4);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_T("calexp"), EST_RN(103.24, "MiB"), EST_B(1),
                                               EST_NONE}, &err), 0);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_T("icExp"), EST_R(2.5), EST_B(0), EST_T("")},
                           &err), 0);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_T(est_dtab_textf(&d, "x%d", 7)), EST_NONE,
                                               EST_NONE, EST_T("t")}, &err), 0);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_T(NULL), EST_NONE, EST_NONE, EST_NONE}, &err),
              Y1_ENOMEM);
    mem = dtab_text(&d, 1);
    CHECK_STR(mem, "| name | size | keep | tag |\n|---|---:|---|---|\n| calexp | 103.2 MiB | Y | |\n"
                   "| icExp | 2.5 |  |  |\n| x7 | | | t |\n");
    free(mem);
    mem = dtab_text(&d, 0);
    CHECK_STR(mem, "name,size_mib,keep,tag\ncalexp,103.24,true,\nicExp,2.5,false,\nx7,,,t\n");
    free(mem);
    est_dtab_clear(&d);

    /* columns built at run time, one per task, heads the table formatted and keeps */
    est_dtab_init(&d, NULL, 0);
    CHECK_INT(est_dtab_col(&d, &(est_col){{"day", "%.1f", 0}, {{"day", "%.0f", 0}}, 1}, &err), 0);
    static const char *const task[] = {"isr", "deblend"};
    for (int k = 0; k < 2; k++) {
        const char *h = est_dtab_textf(&d, "busy_%s", task[k]);
        CHECK_INT(est_dtab_col(&d, &(est_col){{h, "%.2f", 0}, {{task[k], "%.1f", 0}}, 1}, &err), 0);
    }
    CHECK_INT(d.ncol, 3);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_R(1.5), EST_R(2.385), EST_R(0.125)}, &err), 0);
    fp = open_memstream(&mem, &len);
    est_dtab_csv(fp, &d, -1);
    est_dtab_md(fp, &d, 0, -1);
    fclose(fp);
    CHECK_STR(mem, "day,busy_isr,busy_deblend\n1.5,2.38,0.12\n"
                   "| day | isr | deblend |\n|---:|---:|---:|\n| 2 | 2.4 | 0.1 |\n");
    free(mem);
    est_dtab_clear(&d);
    CHECK(d.col == NULL && d.ncol == 0);

    /* numbers for a reader: thousands grouped (no decimals) from 1,000 up, three significant
     * digits below; a count is whole below 1,000; a text (a quota of "none") as is; the
     * scale applies first (2.5e12 bytes in TB) */
    static const est_col gcols[] = {
        {{NULL, NULL, 0}, {{"TB", EST_FMT_GROUPED, 1e12}}, 1},
        {{NULL, NULL, 0}, {{"n", EST_FMT_GROUPED, 0}}, 1},
        {{NULL, NULL, 0}, {{"files", EST_FMT_COUNT, 0}}, 1},
    };
    est_dtab_init(&d, gcols, 3);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_R(2.5e12), EST_R(1234567.8), EST_R(42.4)},
                           &err), 0);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_R(1.28e8), EST_R(-12345), EST_I(1000)},
                           &err), 0);
    CHECK_INT(est_dtab_row(&d, 0, (est_cell[]){EST_R(12.34e12), EST_R(999.4), EST_T("none")},
                           &err), 0);
    mem = dtab_text(&d, 1);
    CHECK_STR(mem, "| TB | n | files |\n|---:|---:|---:|\n| 2.50 | 1,234,568 | 42 |\n"
                   "| 0.000128 | -12,345 | 1,000 |\n| 12.3 | 999 | none |\n");
    free(mem);
    est_dtab_clear(&d);

    /* the one JSON writer: two-space indent, keys in insertion order, reals to 10 significant
     * digits (1/3 -> 0.3333333333, 2/3 rounds up -> 0.6666666667), a final newline */
    json_t *o = json_object();
    json_object_set_new(o, "z", json_real(1.0 / 3.0));
    json_object_set_new(o, "a", json_real(2.0 / 3.0));
    json_object_set_new(o, "n", json_integer(7));
    fp = open_memstream(&mem, &len);
    CHECK_INT(est_json_write(fp, o, "demo", &err), Y1_OK);
    fclose(fp);
    CHECK_STR(mem, "{\n  \"z\": 0.3333333333,\n  \"a\": 0.6666666667,\n  \"n\": 7\n}\n");
    free(mem);
    /* a root that could not be built is out of memory, named */
    fp = open_memstream(&mem, &len);
    CHECK_INT(est_json_write(fp, NULL, "demo", &err), Y1_ENOMEM);
    fclose(fp);
    free(mem);
    CHECK_STR(err.msg, "demo: out of memory");
    CHECK_DONE();
}
