/* estimate.c: the main job's result: Tables 2-4 over a workload, per platform with the node
 * models (the outputs are estimator/report/). CPU hours, GiB, bytes; node-days. */
#include "estimator/estimate.h"
#include "estimator/pipe_estimate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void est_result_warn(est_result *r, const char *line)
{
    size_t l = strlen(r->warnings);
    snprintf(r->warnings + l, sizeof r->warnings - l, "%s%s", l ? "\n" : "", line);
}

int est_result_nstats(const est_result *r, est_nstats out[6], y1_err *err)
{
    if (!r->have_nstats) return est_coadds_nstats_all(&r->coadds, out, err);
    memcpy(out, r->nstats, sizeof r->nstats);
    return Y1_OK;
}

void est_result_init(est_result *r)
{
    memset(r, 0, sizeof *r);
    est_coadds_init(&r->coadds);
}

void est_result_clear(est_result *r)
{
    est_coadds_clear(&r->coadds);
    est_workload_clear(&r->w);
    for (int c = 0; c < EST_NCLASS; c++) free(r->pointings[c].ra), free(r->pointings[c].dec);
    mdl_set_free(r->model_set);
    free(r->t2);
    free(r->plat);
    free(r->t3);
    for (size_t p = 0; r->node && p < r->nplat; p++) est_node_platform_clear(&r->node[p]);
    free(r->node);
    est_products_clear(&r->prod);
    est_disk_clear(&r->disk);
    est_pipe_free(r->pipe);
    memset(r, 0, sizeof *r);
}

static int task_wanted(const mdl_task *t, const char *tasks)
{
    if (!strcmp(tasks, "all")) return 1;
    if (!strcmp(tasks, "default")) return t->is_default;
    size_t n = strlen(t->label);
    for (const char *p = tasks; (p = strstr(p, t->label)); p += n)
        if ((p == tasks || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return 1;
    return 0;
}

int est_compute(est_result *r, const char *tasks, y1_err *err)
{
    int rc;
    size_t nt = mdl_set_count(r->model_set);
    /* every label in a --tasks list must exist */
    if (strcmp(tasks, "all") && strcmp(tasks, "default")) {
        char *copy = strdup(tasks), *save = NULL;
        if (!copy) return y1_errf(err, Y1_ENOMEM, "out of memory");
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
            if (!mdl_set_find(r->model_set, t)) {
                rc = y1_errf(err, Y1_EUSAGE, "--tasks: no task '%s' in %s", t,
                             mdl_set_path(r->model_set) ? mdl_set_path(r->model_set) : "the models");
                free(copy);
                return rc;
            }
        free(copy);
    }
    if ((rc = est_workload_from_coadds(&r->w, &r->coadds, err))) return rc;
    r->t2 = calloc(nt ? nt : 1, sizeof *r->t2);
    if (!r->t2) return y1_errf(err, Y1_ENOMEM, "out of memory");
    r->ntasks = 0;
    for (size_t i = 0; i < nt; i++) {
        const mdl_task *t = mdl_set_task(r->model_set, i);
        if (!task_wanted(t, tasks)) continue;
        if ((rc = est_table2_row(&r->w, t, &r->t2[r->ntasks], err))) return rc;
        r->ntasks++;
    }
    if (r->ntasks == 0)
        return y1_errf(err, Y1_EUSAGE, "--tasks %s selects no task of the models", tasks);
    r->t3 = calloc(r->nplat * r->ntasks + 1, sizeof *r->t3);
    if (!r->t3) return y1_errf(err, Y1_ENOMEM, "out of memory");
    for (size_t p = 0; p < r->nplat; p++)
        for (size_t t = 0; t < r->ntasks; t++)
            if ((rc = est_table3_row(&r->plat[p], &r->t2[t], &r->t3[p * r->ntasks + t], err)))
                return rc;
    r->node = calloc(r->nplat + 1, sizeof *r->node);
    if (!r->node) return y1_errf(err, Y1_ENOMEM, "out of memory");
    for (size_t p = 0; p < r->nplat; p++)
        if ((rc = est_node_compute(&r->plat[p], r->t2, r->ntasks, &r->node[p], err))) return rc;
    /* Table 4 counts the products of the estimated tasks; a product of a task the models do
     * not know is a mistake in the products file */
    size_t kept = 0;
    for (size_t i = 0; i < r->prod.n; i++) {
        const est_product *p = &r->prod.v[i];
        if (!mdl_set_find(r->model_set, p->task))
            return y1_errf(err, Y1_EINPUT, "%s:%d: product %s: task '%s' is not in the models "
                           "(%s)", r->prod.path, p->line, p->dataset, p->task,
                           mdl_set_path(r->model_set) ? mdl_set_path(r->model_set) : "");
        int estimated = 0;
        for (size_t t = 0; t < r->ntasks; t++)
            estimated |= !strcmp(r->t2[t].task->label, p->task);
        if (estimated) r->prod.v[kept++] = *p;
        else {
            size_t l = strlen(r->products);
            snprintf(r->products + l, sizeof r->products - l, "%s%s (task %s not estimated)",
                     strstr(r->products, "left out:") ? ", " : "; left out: ", p->dataset,
                     p->task);
        }
    }
    r->prod.n = kept;
    return est_table4(&r->w, &r->prod, &r->disk, err);
}

void est_platform_totals(const est_result *r, size_t p, double *nd, double *nd_opt)
{
    double h = 0, ho = 0;
    for (size_t t = 0; t < r->ntasks; t++) {
        h += r->t3[p * r->ntasks + t].node_hours;
        ho += r->t3[p * r->ntasks + t].node_hours_optimistic;
    }
    *nd = h / 24.0;
    *nd_opt = ho / 24.0;
}
