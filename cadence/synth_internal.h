/* synth_internal.h: helpers shared by the synthetic-cadence sources (synth*.c) and nobody else:
 * the seeded PRNG, low-precision Sun/Moon/site geometry, and the Figure 1 footprint mask.
 * Angles in degrees unless a name says _rad; times in MJD (UTC). */
#ifndef CAD_SYNTH_INTERNAL_H
#define CAD_SYNTH_INTERNAL_H

#include <stdint.h>

/* xoshiro256** seeded through splitmix64: our own stream, never rand(), so a seed gives the same
 * numbers on every platform. */
typedef struct syn_rng { uint64_t s[4]; } syn_rng;
void     syn_rng_seed(syn_rng *r, uint64_t seed);
uint64_t syn_rng_next(syn_rng *r);
double   syn_rng_u01(syn_rng *r);              /* uniform in [0, 1), 53 bits */
double   syn_rng_normal(syn_rng *r);           /* standard normal (Box-Muller, one value per call) */
int      syn_rng_below(syn_rng *r, int n);     /* uniform integer in [0, n), n > 0 */

/* Rubin site (Cerro Pachon), as in rubin_sim's Site('LSST'). */
#define SYN_SITE_LAT_DEG (-30.2444)
#define SYN_SITE_LON_DEG (-70.7494)

double syn_wrap360(double a);                  /* into [0, 360) */
double syn_wrap180(double a);                  /* into [-180, 180) */
double syn_lst_deg(double mjd);                /* local sidereal time at the site, degrees */
void   syn_sun_radec(double mjd, double *ra, double *dec);   /* apparent, ~0.01 deg */
void   syn_moon_radec(double mjd, double *ra, double *dec);  /* geocentric, ~0.3 deg */
void   syn_altaz(double ra, double dec, double lst, double *alt, double *az); /* az N->E */
double syn_para_angle(double ra, double dec, double lst);    /* [0, 360) */
double syn_sep_deg(double ra1, double dec1, double ra2, double dec2);
void   syn_unit(double ra, double dec, double v[3]);

/* The footprint mask: 1 x 1 deg cells, RA 0..359, Dec -90..39 (row 0 = Dec -90). */
#define SYN_MASK_NDEC 130
#define SYN_MASK_DEC0 (-90)
#define SYN_MASK_NONE 0
#define SYN_MASK_WFD 1
#define SYN_MASK_OTHER 2
extern const char *const syn_fig1_rows[SYN_MASK_NDEC];   /* synth_footprint.c (generated) */
/* Decode row j (0..SYN_MASK_NDEC-1) into out[360]. */
void syn_mask_row(int j, unsigned char out[360]);
/* Class of (ra, dec) in a decoded mask (NULL: decode the needed row on the fly). */
int  syn_mask_at(const unsigned char *mask, double ra, double dec);
/* Class after moving the WFD edge by edge_deg (> 0 shrinks WFD; the lost cells become Other). */
int  syn_region(const unsigned char *mask, double ra, double dec, double edge_deg);

#endif
