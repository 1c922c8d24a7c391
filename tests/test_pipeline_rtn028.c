/* test_pipeline_rtn028.c: data/pipelines/rtn028.yaml gives exactly what today's estimate gives
 * (models/rtn028-dc2-3828.yaml + data/products.yaml through the est_ Tables 2-4 code), on a
 * workload with an irregular n distribution, so switching the estimate to pipeline files changes
 * no number. Links the whole core because it compares the two code paths. */
#include "estimator/platform.h"
#include "estimator/products.h"
#include "estimator/tables.h"
#include "pipeline/pipeline.h"
#include "tests/check.h"

#define REL(a, b) (fabs((a) - (b)) <= 1e-12 * fmax(fabs(a), fabs(b)))

/* An irregular workload: coadds spread over n = 1..61 with a hand-made shape, patches over
 * n = 3..200; warps = the sum of n over coadds, as in y1est's workloads. */
static void workload(est_workload *w, pipe_counts *c)
{
    y1_err err;
    if (est_workload_alloc(w, 61, 200, &err)) exit(2);
    int64_t warps = 0, coadds = 0, patches = 0;
    for (int n = 1; n <= 61; n++) {
        w->coadd_hist[n] = (int64_t)(1000 + 37 * n) * ((n % 7) + 1) + (n == 61 ? 3 : 0);
        coadds += w->coadd_hist[n];
        warps += n * w->coadd_hist[n];
    }
    for (int n = 3; n <= 200; n += 3) {
        w->patch_hist[n] = 400 + (n * 13) % 97;
        patches += w->patch_hist[n];
    }
    w->visits = 171234;
    w->ccd_visits = 171234LL * 189;
    w->warps = warps;
    w->coadds = coadds;
    w->patches = patches;
    pipe_counts_init(c);
    c->n[PIPE_DIM_VISIT] = w->visits;
    c->n[PIPE_DIM_VISIT_DETECTOR] = w->ccd_visits;
    c->n[PIPE_DIM_VISIT_TRACT_PATCH] = w->warps;
    c->n[PIPE_DIM_PATCH_BAND] = w->coadds;
    c->n[PIPE_DIM_PATCH] = w->patches;
    c->coadd_hist = w->coadd_hist;
    c->coadd_hist_max = w->max_coadd_n;
    c->patch_hist = w->patch_hist;
    c->patch_hist_max = w->max_patch_n;
}

int main(void)
{
    y1_err err = {{0}};
    mdl_set *models = NULL;
    pipe_pipeline *p = NULL;
    est_products prod;
    est_workload w;
    pipe_counts c;
    pipe_conv v;
    pipe_result r;
    est_disk disk;
    memset(&prod, 0, sizeof prod);
    CHECK_MSG(mdl_set_load(&models, "models/rtn028-dc2-3828.yaml", &err) == Y1_OK, "%s", err.msg);
    CHECK_MSG(est_products_load(&prod, "data/products.yaml", &err) == Y1_OK, "%s", err.msg);
    CHECK_MSG(pipe_load(&p, "rtn028", "data", &err) == Y1_OK, "%s", err.msg);
    if (!models || !p || !prod.v) return 1;
    workload(&w, &c);
    pipe_conv_rtn109(&v);
    CHECK_MSG(pipe_compute(p, &c, &v, &r, &err) == Y1_OK, "%s", err.msg);
    if (!r.tasks) return 1;

    /* the same 9 tasks as the default model set, each with the same models */
    size_t ndef = 0;
    for (size_t i = 0; i < mdl_set_count(models); i++) ndef += mdl_set_task(models, i)->is_default;
    CHECK_INT(p->n_tasks, ndef);
    CHECK_INT(ndef, 9);
    static const mdl_level level_of[PIPE_DIM_COUNT] = {
        [PIPE_DIM_VISIT_DETECTOR] = MDL_CCD, [PIPE_DIM_VISIT_TRACT_PATCH] = MDL_WARP,
        [PIPE_DIM_PATCH_BAND] = MDL_COADD, [PIPE_DIM_PATCH] = MDL_PATCH,
        [PIPE_DIM_VISIT] = MDL_VISIT};
    est_platform plat;
    CHECK_MSG(est_platform_load(&plat, "data/platforms/perlmutter.yaml", &err) == Y1_OK, "%s",
              err.msg);
    for (size_t i = 0; i < p->n_tasks; i++) {
        const pipe_task *t = &p->tasks[i];
        const mdl_task *m = mdl_set_find(models, t->label);
        CHECK_MSG(m && m->is_default, "%s is not a default task of the model file", t->label);
        if (!m) continue;
        CHECK_MSG(level_of[t->dim] == m->level, "%s: dimensions %s", t->label,
                  pipe_dim_name(t->dim));
        CHECK(t->cpu.is_linear == m->cpu_s.is_linear && t->mem.is_linear == m->maxrss_gib.is_linear);
        CHECK_MSG(t->cpu.slope == m->cpu_s.slope && t->cpu.intercept == m->cpu_s.intercept,
                  "%s: CPU %.17g %.17g against %.17g %.17g", t->label, t->cpu.slope,
                  t->cpu.intercept, m->cpu_s.slope, m->cpu_s.intercept);
        CHECK_MSG(t->mem.slope == m->maxrss_gib.slope &&
                  t->mem.intercept == m->maxrss_gib.intercept, "%s: maxRSS", t->label);
        CHECK(!t->cpu_weighted && t->has_memory);

        /* Table 2 through both paths */
        est_task_row row;
        CHECK_MSG(est_table2_row(&w, m, &row, &err) == Y1_OK, "%s", err.msg);
        const pipe_task_result *x = &r.tasks[i];
        CHECK_MSG(row.instances == x->instances, "%s: instances %.0f against %.0f", t->label,
                  x->instances, row.instances);
        CHECK_MSG(REL(row.cpu_hours * 3600, x->cpu_s), "%s: CPU %.17g s against %.17g",
                  t->label, x->cpu_s, row.cpu_hours * 3600);
        CHECK_MSG(row.max_rss_gib == x->max_mem_gib, "%s: max maxRSS", t->label);
        CHECK_MSG(REL(row.mean_rss_gib, x->mean_mem_gib), "%s: mean maxRSS %.17g against %.17g",
                  t->label, x->mean_mem_gib, row.mean_rss_gib);
        CHECK_INT(x->n_max, row.n_max);

        /* Table 3: the study's packing of a task row built from the pipeline result */
        est_task_row prow = row;
        prow.instances = x->instances;
        prow.cpu_hours = x->cpu_s / 3600;
        prow.max_rss_gib = x->max_mem_gib;
        prow.mean_rss_gib = x->mean_mem_gib;
        est_node_row a, b;
        CHECK(est_table3_row(&plat, &row, &a, &err) == Y1_OK);
        CHECK(est_table3_row(&plat, &prow, &b, &err) == Y1_OK);
        CHECK_INT(a.jobs_per_node, b.jobs_per_node);
        CHECK_INT(a.jobs_per_node_optimistic, b.jobs_per_node_optimistic);
        CHECK_MSG(REL(a.node_hours, b.node_hours), "%s: node hours", t->label);
    }

    /* Table 4: same products in the same order, same bytes, same totals */
    CHECK_MSG(est_table4(&w, &prod, &disk, &err) == Y1_OK, "%s", err.msg);
    CHECK_INT(p->n_products, prod.n);
    double keep = 0;
    for (size_t i = 0; i < prod.n && i < p->n_products; i++) {
        CHECK_STR(p->products[i].dataset, prod.v[i].dataset);
        CHECK_STR(p->tasks[p->products[i].task].label, prod.v[i].task);
        CHECK_INT(p->products[i].keep, prod.v[i].keep);
        CHECK_MSG(p->products[i].size_bytes == prod.v[i].size_bytes, "%s size", prod.v[i].dataset);
        CHECK_MSG(r.products[i].bytes == disk.bytes[i], "%s: %.17g bytes against %.17g",
                  prod.v[i].dataset, r.products[i].bytes, disk.bytes[i]);
        keep += p->products[i].keep ? r.products[i].bytes : 0;
    }
    CHECK(REL(r.all_bytes, disk.all_bytes));
    CHECK(REL(r.keep_bytes, disk.keep_bytes));
    CHECK(REL(keep, disk.keep_bytes));
    CHECK_MSG(r.raw_bytes == disk.raw_bytes, "raw %.17g against %.17g", r.raw_bytes,
              disk.raw_bytes);
    CHECK(disk.raw_bytes > 0);
    est_disk_clear(&disk);
    pipe_result_clear(&r);
    est_products_clear(&prod);
    est_workload_clear(&w);
    mdl_set_free(models);
    pipe_free(p);
    CHECK_DONE();
}
