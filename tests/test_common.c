/* test_common.c: the ground floor: the number parser, the strict YAML layer, atomic files and
 * staged directories, array growth and the band table. Fixtures are short files written here
 * into a temporary directory; expected values are the literal numbers written into them. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/y1_band.h"
#include "common/y1_grow.h"
#include "common/y1_list.h"
#include "common/y1_num.h"
#include "common/y1_out.h"
#include "common/y1_yaml.h"
#include "tests/check.h"

static char tmpdir[256];

static const char *write_file(const char *name, const char *text)
{
    static char path[4][512];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    FILE *fp = fopen(path[k], "w");
    if (!fp) { perror(path[k]); exit(2); }
    fputs(text, fp);
    fclose(fp);
    return path[k];
}

static int exists(const char *dir, const char *name)
{
    char p[600];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0;
}

static void test_numbers(void)
{
    y1_err err = {{0}};
    double x = -7.5;
    long n = -7;
    CHECK_INT(y1_num_double("--radius", "2.385", 0, 30, &x, &err), Y1_OK);
    CHECK(x == 2.385);
    CHECK_INT(y1_num_double("--radius", "-1e-3", -1, 1, &x, &err), Y1_OK);
    CHECK(x == -0.001);
    /* the bounds are inclusive */
    CHECK_INT(y1_num_double("f", "30", 0, 30, &x, &err), Y1_OK);
    CHECK(x == 30);
    x = 4.25;
    static const char *bad[] = {"", "abc", "2.5x", "nan", "NaN", "inf", "-Infinity", "1e400",
                                "2.5 ", NULL};
    for (int i = 0; bad[i]; i++) {
        CHECK_INT(y1_num_double("--radius", bad[i], 0, 1e300, &x, &err), Y1_EINPUT);
        CHECK_HAS(err.msg, "--radius: expected a finite number, got '");
        CHECK(x == 4.25); /* *out untouched on failure */
    }
    CHECK_INT(y1_num_double("--radius", NULL, 0, 1, &x, &err), Y1_EINPUT);
    CHECK_INT(y1_num_double("--radius", "-1", 0, 30, &x, &err), Y1_EINPUT);
    CHECK_STR(err.msg, "--radius: -1 is out of range [0, 30]");
    CHECK_INT(y1_num_double("r", "30.000001", 0, 30, &x, &err), Y1_EINPUT);
    CHECK(x == 4.25);

    CHECK_INT(y1_num_long("--years", "10", 1, 10, &n, &err), Y1_OK);
    CHECK_INT(n, 10);
    CHECK_INT(y1_num_long("--years", "-3", -5, 5, &n, &err), Y1_OK);
    CHECK_INT(n, -3);
    static const char *badi[] = {"", "1.5", "1e3", "0x10", "ten", "99999999999999999999", NULL};
    for (int i = 0; badi[i]; i++) {
        n = 42;
        CHECK_INT(y1_num_long("--years", badi[i], LONG_MIN, LONG_MAX, &n, &err), Y1_EINPUT);
        CHECK_HAS(err.msg, "--years: expected an integer, got '");
        CHECK_INT(n, 42);
    }
    CHECK_INT(y1_num_long("--years", "0", 1, 10, &n, &err), Y1_EINPUT);
    CHECK_STR(err.msg, "--years: 0 is out of range [1, 10]");
    /* err may be NULL: the status alone */
    CHECK_INT(y1_num_long("n", "x", 0, 1, &n, NULL), Y1_EINPUT);
}

static void test_yaml(void)
{
    y1_err err = {{0}};
    y1_ydoc d;
    const char *p = write_file("ok.yaml",
                               "name: \"Perl mutter\"\n"
                               "cores: 128\n"
                               "clock_ghz: 2.45\n"
                               "smt: yes\n"
                               "points:\n"
                               "  - [1, 3.35]\n"
                               "  - [64, 2.0]\n"
                               "  - [128, 1.75]\n");
    CHECK_INT(y1_ydoc_load(&d, p, "settings", &err), Y1_OK);
    yaml_node_t *root = y1_ydoc_root(&d);
    static const char *const keys[] = {"name", "cores", "clock_ghz", "smt", "points", NULL};
    CHECK_INT(y1_ycheck_keys(&d, root, keys, "the test file", &err), Y1_OK);
    const char *name = NULL;
    long cores = 0;
    double ghz = 0, absent = 9.5;
    int smt = 0;
    CHECK_INT(y1_ystr(&d, root, "name", 1, &name, &err), Y1_OK);
    CHECK_STR(name, "Perl mutter");
    CHECK_INT(y1_yint(&d, root, "cores", 1, 1, 1024, &cores, &err), Y1_OK);
    CHECK_INT(cores, 128);
    CHECK_INT(y1_ynum(&d, root, "clock_ghz", 1, 0.1, 10, &ghz, &err), Y1_OK);
    CHECK(ghz == 2.45);
    CHECK_INT(y1_ybool(&d, root, "smt", 1, &smt, &err), Y1_OK);
    CHECK_INT(smt, 1);
    /* optional and missing: the default stays */
    CHECK_INT(y1_ynum(&d, root, "boost_ghz", 0, 0, 10, &absent, &err), Y1_OK);
    CHECK(absent == 9.5);
    CHECK_INT(y1_ynum(&d, root, "boost_ghz", 1, 0, 10, &absent, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "ok.yaml:1:1: missing key 'boost_ghz'");
    /* out of range names the value's line and column (1-based) */
    CHECK_INT(y1_yint(&d, root, "cores", 1, 1, 64, &cores, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "ok.yaml:2:8: cores: 128 is out of range [1, 64]");
    CHECK_INT(cores, 128);
    /* a string where a number belongs */
    CHECK_INT(y1_ynum(&d, root, "name", 1, 0, 1, &ghz, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "ok.yaml:1:7: name: expected a finite number, got the quoted string");
    CHECK_INT(y1_ynum(&d, root, "points", 1, 0, 1, &ghz, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "points: expected a finite number, got a list");
    /* sequences */
    yaml_node_t *pts = y1_yget(&d, root, "points");
    CHECK_INT(y1_yseq_len(pts), 3);
    CHECK_INT(y1_yseq_len(root), 0);
    CHECK_INT(y1_yseq_len(NULL), 0);
    yaml_node_t *third = y1_yseq_item(&d, pts, 2);
    CHECK_INT(y1_yseq_len(third), 2);
    double k = 0, v = 0;
    CHECK_INT(y1_yval_num(&d, y1_yseq_item(&d, third, 0), "k", 1, 512, &k, &err), Y1_OK);
    CHECK_INT(y1_yval_num(&d, y1_yseq_item(&d, third, 1), "value", 0, 10, &v, &err), Y1_OK);
    CHECK(k == 128 && v == 1.75);
    CHECK_INT(y1_yval_num(&d, y1_yseq_item(&d, third, 1), "value", 0, 1, &v, &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "ok.yaml:8:11: value: 1.75 is out of range [0, 1]");
    /* an unknown key lists the known ones */
    static const char *const few[] = {"name", "cores", NULL};
    CHECK_INT(y1_ycheck_keys(&d, root, few, "the test file", &err), Y1_EINPUT);
    CHECK_HAS(err.msg, "ok.yaml:3:1: unknown key 'clock_ghz' in the test file (expected one of: "
                       "name, cores)");
    y1_ydoc_free(&d);
    y1_ydoc_free(&d); /* twice is fine */

    static const struct { const char *name, *text, *msg; int rc; } bad[] = {
        {"dup.yaml", "a: 1\nb: 2\na: 3\n", "dup.yaml:3:1: duplicate key 'a' in the test file",
         Y1_EINPUT},
        {"syntax.yaml", "a: 1\n b: [2\n", "syntax.yaml:2:", Y1_EINPUT},
        {"empty.yaml", "", "empty.yaml:1:1: empty file, expected settings", Y1_EINPUT},
        {"list.yaml", "\n- 1\n- 2\n", "list.yaml:2:1: expected a mapping of settings",
         Y1_EINPUT},
        {"quoted.yaml", "a: '5'\nb: 2\n", "quoted.yaml:1:4: a: expected a finite number, got "
                                          "the quoted string '5'", Y1_EINPUT},
        {"nan.yaml", "a: .nan\nb: 2\n", "nan.yaml:1:4: a: expected a finite number, got '.nan'",
         Y1_EINPUT},
        {"bool.yaml", "a: 1\nb: maybe\n", "bool.yaml:2:4: b: expected true or false, got 'maybe'",
         Y1_EINPUT},
    };
    static const char *const ab[] = {"a", "b", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = write_file(bad[i].name, bad[i].text);
        int rc = y1_ydoc_load(&d, path, "settings", &err);
        if (rc == Y1_OK) {
            double a = 0;
            int b = 0;
            yaml_node_t *r = y1_ydoc_root(&d);
            if (!(rc = y1_ycheck_keys(&d, r, ab, "the test file", &err)) &&
                !(rc = y1_ynum(&d, r, "a", 1, -10, 10, &a, &err)))
                rc = y1_ybool(&d, r, "b", 1, &b, &err);
        }
        CHECK_MSG(rc == bad[i].rc, "%s: status %d", bad[i].name, rc);
        CHECK_HAS(err.msg, bad[i].msg);
        y1_ydoc_free(&d);
    }
    CHECK_INT(y1_ydoc_load(&d, tmpdir, "settings", &err), Y1_EIO);
    CHECK_HAS(err.msg, "is a directory");
    y1_ydoc_free(&d);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/no_such.yaml", tmpdir);
    CHECK_INT(y1_ydoc_load(&d, missing, "settings", &err), Y1_EIO);
    CHECK_HAS(err.msg, "no_such.yaml: cannot open");
    y1_ydoc_free(&d);
}

static void test_outputs(void)
{
    y1_err err = {{0}};
    char path[800], stage[700];
    y1_out *o = NULL;
    /* a committed file replaces the old one whole; an aborted one leaves it as it was */
    snprintf(path, sizeof path, "%s/table.csv", tmpdir);
    write_file("table.csv", "old\n");
    CHECK_INT(y1_out_open(&o, path, &err), Y1_OK);
    fputs("new,2.385\n", y1_out_fp(o));
    y1_out_abort(o);
    FILE *fp = fopen(path, "r");
    char line[64] = "";
    CHECK(fp && fgets(line, sizeof line, fp));
    if (fp) fclose(fp);
    CHECK_STR(line, "old\n");
    CHECK_INT(y1_out_open(&o, path, &err), Y1_OK);
    fputs("new,2.385\n", y1_out_fp(o));
    CHECK_INT(y1_out_commit(o, &err), Y1_OK);
    fp = fopen(path, "r");
    CHECK(fp && fgets(line, sizeof line, fp));
    if (fp) fclose(fp);
    CHECK_STR(line, "new,2.385\n");
    /* no temp file left behind either way */
    char tmpname[64];
    snprintf(tmpname, sizeof tmpname, "table.csv.tmp.%ld", (long)getpid());
    CHECK(!exists(tmpdir, tmpname));
    /* unwritable place: I/O status naming the path */
    snprintf(path, sizeof path, "%s/no_dir/x.csv", tmpdir);
    CHECK_INT(y1_out_open(&o, path, &err), Y1_EIO);
    CHECK_HAS(err.msg, "no_dir/x.csv: cannot write");

    /* staged directory: managed files the run did not write go, others stay, new ones arrive */
    char dir[600];
    snprintf(dir, sizeof dir, "%s/out", tmpdir);
    CHECK_INT(mkdir(dir, 0777), 0);
    write_file("out/old_plot.png", "x");
    write_file("out/notes.txt", "mine");
    CHECK_INT(y1_stage_open(dir, stage, sizeof stage, &err), Y1_OK);
    snprintf(path, sizeof path, "%s/report.md", stage);
    fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) { fputs("# report\n", fp); fclose(fp); }
    static const char *const managed[] = {"*.png", "report.md", NULL};
    CHECK_INT(y1_stage_commit(stage, dir, managed, &err), Y1_OK);
    CHECK(exists(dir, "report.md"));
    CHECK(!exists(dir, "old_plot.png"));
    CHECK(exists(dir, "notes.txt"));
    struct stat sb;
    CHECK(stat(stage, &sb) != 0); /* the staging directory is gone */
    /* an aborted stage leaves dir as it was */
    CHECK_INT(y1_stage_open(dir, stage, sizeof stage, &err), Y1_OK);
    snprintf(path, sizeof path, "%s/half.csv", stage);
    fp = fopen(path, "w");
    if (fp) fclose(fp);
    y1_stage_abort(stage);
    CHECK(!exists(dir, "half.csv"));
    CHECK(exists(dir, "report.md"));
    CHECK(stat(stage, &sb) != 0);
}

/* The --out commit swaps whole directories; leftovers of dead processes go; signals clean up. */
static void test_stage_swap_and_cleanup(void)
{
    y1_err err = {{0}};
    char dir[600], stage[700], path[800];
    struct stat before, after;
    snprintf(dir, sizeof dir, "%s/swap", tmpdir);
    CHECK_INT(mkdir(dir, 0750), 0);
    write_file("swap/report.md", "old\n");
    write_file("swap/notes.txt", "mine\n");
    CHECK_INT(stat(dir, &before), 0);
    /* a reader that opened the old directory keeps the old set or nothing, never the new file */
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_INT(y1_stage_open(dir, stage, sizeof stage, &err), Y1_OK);
    /* the stage is beside dir, not inside it: it can be swapped with dir */
    snprintf(path, sizeof path, "%s/.swap.y1est-stage.%ld", tmpdir, (long)getpid());
    CHECK_STR(stage, path);
    snprintf(path, sizeof path, "%s/report.md", stage);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) { fputs("new\n", fp); fclose(fp); }
    static const char *const managed[] = {"report.md", NULL};
    CHECK_INT(y1_stage_commit(stage, dir, managed, &err), Y1_OK);
    CHECK_INT(stat(dir, &after), 0);
    CHECK(after.st_ino != before.st_ino);            /* a new directory took the name */
    CHECK_INT((int)(after.st_mode & 0777), 0750);    /* with the old one's permissions */
    CHECK(exists(dir, "notes.txt"));                 /* the user's file was carried over */
    CHECK(stat(stage, &after) != 0);                 /* the old set is gone with the stage */
    if (fd >= 0) {
        int f2 = openat(fd, "report.md", O_RDONLY);
        CHECK(f2 < 0);
        if (f2 >= 0) close(f2);
        close(fd);
    }
    /* a subdirectory cannot be carried over whole: refused, dir untouched, stage removed */
    snprintf(path, sizeof path, "%s/plots", dir);
    CHECK_INT(mkdir(path, 0777), 0);
    CHECK_INT(stat(dir, &before), 0);
    CHECK_INT(y1_stage_open(dir, stage, sizeof stage, &err), Y1_OK);
    CHECK_INT(y1_stage_commit(stage, dir, managed, &err), Y1_EIO);
    CHECK_HAS(err.msg, "holds the directory 'plots'");
    CHECK_INT(stat(dir, &after), 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK(exists(dir, "report.md"));
    CHECK(stat(stage, &after) != 0);
    rmdir(path);
    /* '.' cannot be swapped: refused with the reason */
    CHECK_INT(y1_stage_open(".", stage, sizeof stage, &err), Y1_EIO);
    CHECK_HAS(err.msg, "replaced as a whole");

    /* leftovers: only our names, only dead PIDs */
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, NULL, 0);
    char name[5][128];
    snprintf(name[0], sizeof name[0], "x.db.tmp.%ld", (long)dead);
    snprintf(name[1], sizeof name[1], "x.db.tmp.%ld", (long)getppid());   /* alive */
    snprintf(name[2], sizeof name[2], "y.db.tmp.%ld", (long)dead);        /* another target */
    snprintf(name[3], sizeof name[3], "x.db.tmp.%ldz", (long)dead);       /* not our naming */
    snprintf(name[4], sizeof name[4], "x.db.tmp.%ld", (long)dead);
    for (int i = 0; i < 4; i++) write_file(name[i], "x");
    CHECK_INT(y1_tmp_sweep(tmpdir, "x.db.tmp.", ""), 1);
    CHECK(!exists(tmpdir, name[0]));
    for (int i = 1; i < 4; i++) CHECK(exists(tmpdir, name[i]));
    snprintf(path, sizeof path, "%s/.q.y1est-stage.%ld", tmpdir, (long)dead);
    CHECK_INT(mkdir(path, 0777), 0);
    snprintf(name[4], sizeof name[4], ".q.y1est-stage.%ld/table1.csv", (long)dead);
    write_file(name[4], "x");
    CHECK_INT(y1_tmp_sweep(tmpdir, ".q.y1est-stage.", ""), 1);
    CHECK(stat(path, &after) != 0);                  /* a directory goes with its files */

    /* SIGTERM: the tracked file and directory go, an untracked file stays, the process dies of
     * the signal */
    const char *tf = write_file("sig.tmp", "x");
    const char *keep = write_file("sig.keep", "x");
    char td[700];
    snprintf(td, sizeof td, "%s/sigdir", tmpdir);
    CHECK_INT(mkdir(td, 0777), 0);
    write_file("sigdir/a.csv", "x");
    write_file("sigdir/b.png", "x");
    pid_t c = fork();
    if (c == 0) {
        y1_err e2 = {{0}};
        y1_tmp_signals();
        if (y1_tmp_track(tf, 0, &e2) || y1_tmp_track(td, 1, &e2)) _exit(3);
        raise(SIGTERM);
        _exit(4); /* not reached */
    }
    int st = 0;
    waitpid(c, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    CHECK(!exists(tmpdir, "sig.tmp"));
    CHECK(!exists(tmpdir, "sigdir"));
    CHECK(stat(keep, &after) == 0);
    /* at most 16 paths at a time, with a message */
    char many[17][32];
    for (int i = 0; i < 16; i++) {
        snprintf(many[i], sizeof many[i], "/nonexistent/%d", i);
        CHECK_INT(y1_tmp_track(many[i], 0, &err), Y1_OK);
    }
    CHECK_INT(y1_tmp_track("/nonexistent/16", 0, &err), Y1_EIO);
    CHECK_HAS(err.msg, "more than 16 temporary paths");
    for (int i = 0; i < 16; i++) y1_tmp_untrack(many[i]);
    CHECK_INT(y1_tmp_track("/nonexistent/16", 0, &err), Y1_OK);
    y1_tmp_untrack("/nonexistent/16");
}

static void test_grow_and_bands(void)
{
    double *v = NULL;
    size_t cap = 0;
    CHECK_INT(y1_grow(&v, &cap, 1, sizeof *v, 4), Y1_OK);
    CHECK_INT(cap, 4);
    for (int i = 0; i < 4; i++) v[i] = i + 0.5;
    CHECK_INT(y1_grow(&v, &cap, 4, sizeof *v, 4), Y1_OK); /* fits: unchanged */
    CHECK_INT(cap, 4);
    CHECK_INT(y1_grow(&v, &cap, 9, sizeof *v, 4), Y1_OK); /* 4 -> 8 -> 16 */
    CHECK_INT(cap, 16);
    CHECK(v[3] == 3.5); /* the contents move with the array */
    double *keep = v;
    CHECK_INT(y1_grow(&v, &cap, SIZE_MAX / 4, sizeof *v, 4), Y1_ENOMEM);
    CHECK(v == keep && cap == 16);
    free(v);
    cap = 0;
    char *s = NULL;
    CHECK_INT(y1_grow(&s, &cap, 20, 1, 0), Y1_OK); /* default first capacity 16 -> 32 */
    CHECK_INT(cap, 32);
    free(s);

    CHECK_INT(Y1_NBANDS, 6);
    CHECK_STR(y1_band_letters, "ugrizy");
    CHECK_INT(y1_band_index('u'), 0);
    CHECK_INT(y1_band_index('y'), 5);
    CHECK_INT(y1_band_index('i'), 3);
    CHECK_INT(y1_band_index('G'), -1); /* case is the caller's choice */
    CHECK_INT(y1_band_index('w'), -1);
    CHECK_INT(y1_band_index('\0'), -1);
    CHECK_STR(y1_band_name(2), "r");
    CHECK_STR(y1_band_name(6), "?");
    CHECK_STR(y1_band_name(-1), "?");
}

/* Name lists: "a, b or c", a list cut at a whole name, the YAML files of a directory sorted
 * (readdir's order is the file system's) with other files and hidden ones left out. */
static void test_lists(void)
{
    static const char *const names[] = {"md", "csv", "json"};
    char out[64], dir[300];
    y1_list_join(out, sizeof out, names, 0, " or ");
    CHECK_STR(out, "");
    y1_list_join(out, sizeof out, names, 1, " or ");
    CHECK_STR(out, "md");
    y1_list_join(out, sizeof out, names, 2, " or ");
    CHECK_STR(out, "md or csv");
    y1_list_join(out, sizeof out, names, 3, " or ");
    CHECK_STR(out, "md, csv or json");
    y1_list_join(out, sizeof out, names, 3, ", ");
    CHECK_STR(out, "md, csv, json");
    /* 11 bytes hold "md, csv" (7) but not "md, csv or json" (15): the list ends at "csv" */
    y1_list_join(out, 11, names, 3, " or ");
    CHECK_STR(out, "md, csv");
    /* a zero-size buffer is not written at all */
    char one = 'x';
    y1_list_join(&one, 0, names, 3, " or ");
    CHECK_INT(one, 'x');
    snprintf(dir, sizeof dir, "%s/names", tmpdir);
    CHECK(mkdir(dir, 0755) == 0);
    /* eight names: the chance that the directory hands them over already sorted is 1/40320 */
    static const char *const files[] = {"bb.yaml", "hh.yaml", ".hidden.yaml", "dd.yaml",
                                        "notes.txt", "aa.yaml", "gg.yaml", "cc.yaml", "ff.yaml",
                                        "ee.yaml", ".yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[400];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        FILE *f = fopen(p, "w");
        CHECK(f != NULL);
        if (f) fclose(f);
    }
    CHECK_INT(y1_list_yaml(out, sizeof out, dir, " or "), 8);
    CHECK_STR(out, "aa, bb, cc, dd, ee, ff, gg or hh");
    snprintf(dir, sizeof dir, "%s/no_such_dir", tmpdir);
    CHECK_INT(y1_list_yaml(out, sizeof out, dir, " or "), 0);
    CHECK_STR(out, "");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/y1test_common.XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 2; }
    test_numbers();
    test_yaml();
    test_outputs();
    test_stage_swap_and_cleanup();
    test_grow_and_bands();
    test_lists();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    CHECK_DONE();
}
