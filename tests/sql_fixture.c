/* sql_fixture.c: build a small sqlite fixture from SQL text for the CLI tests, so that they need
 * the sqlite3 library the project links anyway, not the sqlite3 program.
 * Usage: sql_fixture DB [SQL]   (SQL from standard input when absent). Exit 0, or 1 with the
 * database's message; DB is created (an existing file is removed first). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int rc = 1;
    char *sql = NULL, *msg = NULL;
    sqlite3 *db = NULL;
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: sql_fixture DB [SQL]\n");
        return 2;
    }
    if (argc == 3) {
        sql = strdup(argv[2]);
    } else {
        size_t len = 0;
        FILE *m = open_memstream(&sql, &len);
        int ch;
        while (m && (ch = getchar()) != EOF) fputc(ch, m);
        if (m) fclose(m);
    }
    if (!sql) {
        fprintf(stderr, "sql_fixture: out of memory\n");
        goto done;
    }
    remove(argv[1]);
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
        fprintf(stderr, "sql_fixture: %s: %s\n", argv[1], sqlite3_errmsg(db));
        goto done;
    }
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sql_fixture: %s: %s\n", argv[1], msg ? msg : sqlite3_errmsg(db));
        goto done;
    }
    rc = 0;
done:
    sqlite3_free(msg);
    sqlite3_close(db);
    free(sql);
    return rc;
}
