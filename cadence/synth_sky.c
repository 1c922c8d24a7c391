/* synth_sky.c: the small pieces of the synthetic cadence that are not about scheduling: the
 * seeded PRNG, Sun and Moon positions from the Astronomical Almanac's low-precision formulae,
 * horizon coordinates at the Rubin site, and lookups in the Figure 1 footprint mask.
 * Angles in degrees, times in MJD (UTC). */
#include "cadence/synth_internal.h"

#include <math.h>
#include <stdlib.h>

#define D2R (M_PI / 180.0)
#define R2D (180.0 / M_PI)

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void syn_rng_seed(syn_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t syn_rng_next(syn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double syn_rng_u01(syn_rng *r) { return (double)(syn_rng_next(r) >> 11) * 0x1.0p-53; }

double syn_rng_normal(syn_rng *r)
{
    double u = syn_rng_u01(r), v = syn_rng_u01(r);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

int syn_rng_below(syn_rng *r, int n) { return (int)(syn_rng_u01(r) * n); }

double syn_wrap360(double a)
{
    a = fmod(a, 360.0);
    if (a < 0) a += 360.0;
    return a >= 360.0 ? 0.0 : a;
}

double syn_wrap180(double a) { return syn_wrap360(a + 180.0) - 180.0; }

/* GMST from the IAU 1982 expression in days since J2000 (Meeus 12.4), plus east longitude. */
double syn_lst_deg(double mjd)
{
    double d = mjd - 51544.5;
    return syn_wrap360(280.46061837 + 360.98564736629 * d + SYN_SITE_LON_DEG);
}

static void ecl_to_eq(double lam, double beta, double eps, double *ra, double *dec)
{
    double l = lam * D2R, b = beta * D2R, e = eps * D2R;
    double x = cos(b) * cos(l);
    double y = cos(e) * cos(b) * sin(l) - sin(e) * sin(b);
    double z = sin(e) * cos(b) * sin(l) + cos(e) * sin(b);
    *ra = syn_wrap360(atan2(y, x) * R2D);
    *dec = asin(z) * R2D;
}

/* Astronomical Almanac, "low precision formulas for the Sun" (section C). */
void syn_sun_radec(double mjd, double *ra, double *dec)
{
    double n = mjd - 51544.5;
    double L = 280.460 + 0.9856474 * n, g = (357.528 + 0.9856003 * n) * D2R;
    double lam = L + 1.915 * sin(g) + 0.020 * sin(2 * g);
    ecl_to_eq(lam, 0.0, 23.439 - 4e-7 * n, ra, dec);
}

/* Astronomical Almanac, "low precision formulas for the Moon" (section D), geocentric. */
void syn_moon_radec(double mjd, double *ra, double *dec)
{
    double T = (mjd - 51544.5) / 36525.0;
#define S(a, b) sin(((a) + (b) * T) * D2R)
    double lam = 218.32 + 481267.881 * T + 6.29 * S(135.0, 477198.87) - 1.27 * S(259.3, -413335.36)
                 + 0.66 * S(235.7, 890534.22) + 0.21 * S(269.9, 954397.74)
                 - 0.19 * S(357.5, 35999.05) - 0.11 * S(186.5, 966404.03);
    double beta = 5.13 * S(93.3, 483202.02) + 0.28 * S(228.2, 960400.89)
                  - 0.28 * S(318.3, 6003.15) - 0.17 * S(217.6, -407332.21);
#undef S
    ecl_to_eq(lam, beta, 23.439 - 0.0130 * T, ra, dec);
}

void syn_altaz(double ra, double dec, double lst, double *alt, double *az)
{
    double h = (lst - ra) * D2R, d = dec * D2R, p = SYN_SITE_LAT_DEG * D2R;
    double sa = sin(p) * sin(d) + cos(p) * cos(d) * cos(h);
    if (sa > 1) sa = 1;
    if (sa < -1) sa = -1;
    *alt = asin(sa) * R2D;
    /* azimuth from North through East */
    *az = syn_wrap360(atan2(-cos(d) * sin(h), sin(d) * cos(p) - cos(d) * cos(h) * sin(p)) * R2D);
}

double syn_para_angle(double ra, double dec, double lst)
{
    double h = (lst - ra) * D2R, d = dec * D2R, p = SYN_SITE_LAT_DEG * D2R;
    return syn_wrap360(atan2(sin(h), tan(p) * cos(d) - sin(d) * cos(h)) * R2D);
}

void syn_unit(double ra, double dec, double v[3])
{
    double a = ra * D2R, d = dec * D2R;
    v[0] = cos(d) * cos(a);
    v[1] = cos(d) * sin(a);
    v[2] = sin(d);
}

double syn_sep_deg(double ra1, double dec1, double ra2, double dec2)
{
    /* haversine: accurate at small separations */
    double dd = (dec2 - dec1) * D2R, da = (ra2 - ra1) * D2R;
    double h = sin(dd / 2) * sin(dd / 2) + cos(dec1 * D2R) * cos(dec2 * D2R) * sin(da / 2) * sin(da / 2);
    if (h > 1) h = 1;
    return 2.0 * asin(sqrt(h)) * R2D;
}

void syn_mask_row(int j, unsigned char out[360])
{
    const char *p = syn_fig1_rows[j];
    int i = 0;
    while (*p && i < 360) {
        int n = (int)strtol(p, (char **)&p, 10);
        unsigned char k = *p == 'W' ? SYN_MASK_WFD : *p == 'O' ? SYN_MASK_OTHER : SYN_MASK_NONE;
        p++;
        for (; n > 0 && i < 360; n--)
            out[i++] = k;
    }
    while (i < 360)
        out[i++] = SYN_MASK_NONE;
}

int syn_mask_at(const unsigned char *mask, double ra, double dec)
{
    int j = (int)floor(dec) - SYN_MASK_DEC0;
    if (j < 0) j = 0;
    if (j >= SYN_MASK_NDEC) return SYN_MASK_NONE;
    int i = (int)floor(syn_wrap360(ra));
    if (i > 359) i = 359;
    if (mask)
        return mask[j * 360 + i];
    unsigned char row[360];
    syn_mask_row(j, row);
    return row[i];
}

int syn_region(const unsigned char *mask, double ra, double dec, double edge_deg)
{
    int k = syn_mask_at(mask, ra, dec);
    if (edge_deg == 0.0)
        return k;
    /* probe 8 points at distance |edge| around (ra, dec) */
    double e = fabs(edge_deg), c = cos(dec * D2R);
    if (c < 0.05) c = 0.05;
    int nw = 0, no = 0;
    for (int q = 0; q < 8; q++) {
        double a = q * M_PI / 4;
        double d2 = dec + e * sin(a);
        double r2 = ra + e * cos(a) / c;
        if (d2 < -90) d2 = -90;
        int kq = syn_mask_at(mask, r2, d2);
        nw += kq == SYN_MASK_WFD;
        no += kq == SYN_MASK_OTHER;
    }
    /* shrink: WFD only if every probe is WFD; a lost cell joins Other when Other is near, else
     * it becomes empty sky */
    if (edge_deg > 0)
        return k == SYN_MASK_WFD && nw < 8 ? (no > 0 ? SYN_MASK_OTHER : SYN_MASK_NONE) : k;
    /* grow: any WFD probe makes a labelled cell WFD (empty sky stays empty unless inside) */
    return nw > 0 && k != SYN_MASK_NONE ? SYN_MASK_WFD : (nw >= 4 ? SYN_MASK_WFD : k);
}
