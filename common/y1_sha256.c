/* y1_sha256.c: SHA-256 as specified in FIPS 180-4 (section 6.2), streaming over a file. */
#include "common/y1_sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct sha256 {
    uint32_t h[8];
    uint64_t bits;         /* message length so far */
    unsigned char buf[64];
    size_t nbuf;
} sha256;

static const uint32_t K[64] = { /* FIPS 180-4 section 4.2.2 */
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block(sha256 *s, const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h;
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
    e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
    s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->bits = 0;
    s->nbuf = 0;
}

static void update(sha256 *s, const unsigned char *p, size_t len)
{
    s->bits += (uint64_t)len * 8;
    while (len) {
        size_t take = 64 - s->nbuf < len ? 64 - s->nbuf : len;
        memcpy(s->buf + s->nbuf, p, take);
        s->nbuf += take, p += take, len -= take;
        if (s->nbuf == 64) {
            block(s, s->buf);
            s->nbuf = 0;
        }
    }
}

static void final_hex(sha256 *s, char hex[65])
{
    uint64_t bits = s->bits;
    unsigned char pad[72] = {0x80}, len[8];
    size_t npad = (s->nbuf < 56 ? 56 : 120) - s->nbuf; /* then 8 bytes of length: 64 | 128 */
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
    update(s, pad, npad);
    update(s, len, 8);
    for (int i = 0; i < 8; i++) snprintf(hex + 8 * i, 9, "%08x", (unsigned)s->h[i]);
}

void y1_sha256_hex(const void *data, size_t len, char hex[65])
{
    sha256 s;
    init(&s);
    update(&s, data, len);
    final_hex(&s, hex);
}

int y1_sha256_file(const char *path, char hex[65], int64_t *size, y1_err *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return y1_errf(err, Y1_EIO, "%s: cannot open: %s", path, strerror(errno));
    sha256 s;
    unsigned char buf[65536];
    size_t got;
    int64_t total = 0;
    init(&s);
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0) {
        update(&s, buf, got);
        total += (int64_t)got;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) return y1_errf(err, Y1_EIO, "%s: read error", path);
    final_hex(&s, hex);
    if (size) *size = total;
    return Y1_OK;
}

const char *y1_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void y1_file_ident(const char *path, char *buf, size_t n)
{
    char hex[65];
    if (y1_sha256_file(path, hex, NULL, NULL)) snprintf(buf, n, "%s (unreadable)", y1_basename(path));
    else snprintf(buf, n, "%s (sha256 %.12s)", y1_basename(path), hex);
}
