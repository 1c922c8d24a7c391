/* test_calibration.c: the embedded synthetic cadence, run end to end through the main job's
 * pipeline with the study's footprint (189 LSSTCam CCDs, random rotation), must reproduce the
 * study's published workload: Figure 2's per-band mean visits per patch (u 6.95, g 9.13,
 * r ~21.8, i 24.8, z 19.9, y 25.2) within 10 %, ~279 warps per visit (Table 2: 48.5 M warps for
 * 173,682 visits) and 2.7 M coadds. Those numbers come from the technote, not from our runs. */
#include "estimator/run.h"
#include "estimator/report/plot.h"
#include "tests/check.h"

int main(void)
{
    static const double fig2_mean[6] = {6.95, 9.13, 21.8, 24.8, 19.9, 25.2};
    est_run_opts o;
    est_result r;
    y1_err err = {{0}};
    est_run_opts_default(&o);
    o.platforms[0] = "perlmutter";
    o.n_platforms = 1;
    o.footprint = SKY_FP_LSSTCAM;
    o.rotation = SKY_ROT_RANDOM;
    est_result_init(&r);
    int rc = est_run(&o, &r, 0, &err);
    CHECK_MSG(rc == Y1_OK, "%s", err.msg);
    if (rc == Y1_OK) {
        CHECK(r.synthetic);
        CHECK_INT(r.visits, 173682);
        double wpv = (double)r.w.warps / (double)r.visits;
        CHECK_MSG(fabs(wpv - 279) <= 0.05 * 279, "warps per visit %.1f, study ~279", wpv);
        CHECK_MSG(fabs((double)r.w.coadds / 1e6 - 2.7) <= 0.1 * 2.7, "coadds %.3f M, study 2.7 M",
                  (double)r.w.coadds / 1e6);
        for (int b = 0; b < 6; b++) {
            est_nstats s;
            est_coadds_nstats(&r.coadds, b, &s);
            CHECK_MSG(fabs(s.mean - fig2_mean[b]) <= 0.10 * fig2_mean[b],
                      "band %c: mean n %.2f, Figure 2 %.2f", "ugrizy"[b], s.mean, fig2_mean[b]);
        }
        /* and Table 3's Perlmutter row, 7 k node-days, within 10 % end to end */
        double nd, ndo;
        est_platform_totals(&r, 0, &nd, &ndo);
        CHECK_MSG(fabs(nd / 1e3 - 7) <= 0.1 * 7, "Perlmutter %.2f k node-days, study 7", nd / 1e3);
    }
    est_result_clear(&r);
    plot_cleanup();
    CHECK_DONE();
}
