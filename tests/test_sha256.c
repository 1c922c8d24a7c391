/* test_sha256.c: common/y1_sha256 against the FIPS 180-2 Appendix B examples (and the empty
 * message), one of them streamed from a file, and the file identity outputs print. */
#include "tests/check.h"
#include "common/y1_sha256.h"

#include <unistd.h>

int main(void)
{
    char hex[65];
    y1_sha256_hex("abc", 3, hex); /* FIPS 180-2 B.1: one block */
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    y1_sha256_hex("", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* B.2: 56 bytes, so the length spills into a second block */
    const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    y1_sha256_hex(m2, strlen(m2), hex);
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    /* B.3: one million 'a', written to a file and read back in 64 KiB pieces */
    char path[] = "/tmp/y1sha-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    for (int i = 0; i < 1000000; i++) fputc('a', fp);
    fclose(fp);
    int64_t size = 0;
    y1_err err = {{0}};
    CHECK_INT(y1_sha256_file(path, hex, &size, &err), Y1_OK);
    CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK_INT(size, 1000000);
    char id[256];
    y1_file_ident(path, id, sizeof id);
    char want[128];
    snprintf(want, sizeof want, "%s (sha256 cdc76e5c9914)", path + 5); /* base name */
    CHECK_STR(id, want);
    remove(path);

    /* a missing file is an I/O error naming it; its identity says unreadable, not a path */
    CHECK_INT(y1_sha256_file("/nonexistent/dir/x.yaml", hex, NULL, &err), Y1_EIO);
    CHECK_HAS(err.msg, "/nonexistent/dir/x.yaml: cannot open");
    y1_file_ident("/nonexistent/dir/x.yaml", id, sizeof id);
    CHECK_STR(id, "x.yaml (unreadable)");
    CHECK_STR(y1_basename("a/b/c.db"), "c.db");
    CHECK_STR(y1_basename("c.db"), "c.db");
    CHECK_DONE();
}
