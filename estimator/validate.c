/* validate.c: measured jobs per label (from a monitoring DB or task-metadata/CSV records) held
 * against the estimate's Table 2 rows: jobs, CPU s, peak GiB, wall/CPU percentiles, verdicts. */
#include "estimator/validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "common/y1_yaml.h"

#define GIB 1073741824.0

void est_val_set_clear(est_val_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].label);
        free(s->v[i].cpu_s);
        free(s->v[i].wall_s);
        free(s->v[i].peak_gib);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

static est_val_meas *meas_of(est_val_set *s, const char *label, y1_err *err)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].label, label)) return &s->v[i];
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        est_val_meas *v = realloc(s->v, cap * sizeof *v);
        if (!v) goto nomem;
        s->v = v;
        s->cap = cap;
    }
    est_val_meas *m = &s->v[s->n];
    memset(m, 0, sizeof *m);
    if (!(m->label = strdup(label))) goto nomem;
    s->n++;
    return m;
nomem:
    y1_errf(err, Y1_ENOMEM, "out of memory");
    return NULL;
}

static int grow(double **v, size_t *cap, size_t n, y1_err *err)
{
    if (n < *cap) return Y1_OK;
    size_t c = *cap ? 2 * *cap : 16;
    double *w = realloc(*v, c * sizeof *w);
    if (!w) return y1_errf(err, Y1_ENOMEM, "out of memory");
    *v = w;
    *cap = c;
    return Y1_OK;
}

int est_val_add_job(est_val_set *s, const char *label, int done, double cpu_s, double wall_s,
                    double peak_gib, double retry_cpu_s, y1_err *err)
{
    est_val_meas *m = meas_of(s, label, err);
    if (!m) return Y1_ENOMEM;
    m->jobs++;
    if (!isnan(retry_cpu_s)) m->retry_cpu_s += retry_cpu_s;
    if (done) {
        size_t cap = m->cap;
        if (grow(&m->cpu_s, &cap, (size_t)m->done, err)) return Y1_ENOMEM;
        cap = m->cap;
        if (grow(&m->wall_s, &cap, (size_t)m->done, err)) return Y1_ENOMEM;
        m->cap = cap;
        m->cpu_s[m->done] = cpu_s;
        m->wall_s[m->done] = wall_s;
        m->done++;
    }
    if (!isnan(peak_gib)) {
        if (grow(&m->peak_gib, &m->peak_cap, m->npeak, err)) return Y1_ENOMEM;
        m->peak_gib[m->npeak++] = peak_gib;
    }
    return Y1_OK;
}

int est_val_add_monitor(est_val_set *s, const est_mon *mon, y1_err *err)
{
    for (size_t i = 0; i < mon->njobs; i++) {
        const est_mon_job *j = &mon->jobs[i];
        int done = j->state == EST_MON_DONE;
        int rc = est_val_add_job(s, j->label, done, j->cpu_s, j->wall_s, j->peak_rss_bytes / GIB,
                                 j->retry_cpu_s, err);
        if (rc) return rc;
        if (done && j->memo_only) meas_of(s, j->label, err)->memo_only++;
    }
    return Y1_OK;
}

int est_val_add_records(est_val_set *s, const mdl_records *r, y1_err *err)
{
    for (size_t i = 0; i < r->n; i++) {
        int rc = est_val_add_job(s, r->v[i].task, 1, r->v[i].cpu_s,
                                 r->v[i].has_wall ? r->v[i].wall_s : NAN,
                                 r->v[i].maxrss_bytes / GIB, 0, err);
        if (rc) return rc;
    }
    return Y1_OK;
}

/* ---- BPS requestMemory ------------------------------------------------------------------ */

void est_val_bps_clear(est_val_bps *b)
{
    for (size_t i = 0; i < b->n; i++) free(b->label[i]);
    free(b->label);
    free(b->mb);
    memset(b, 0, sizeof *b);
}

int est_val_bps_load(est_val_bps *out, const char *path, y1_err *err)
{
    y1_ydoc d;
    est_val_bps b = {0};
    int rc = y1_ydoc_load(&d, path, "BPS settings", err);
    if (rc) {
        y1_ydoc_free(&d);
        return rc;
    }
    yaml_node_t *root = y1_ydoc_root(&d), *pt = y1_yget(&d, root, "pipetask");
    if (!pt) {
        rc = y1_yerr(&d, root, err, "no 'pipetask' mapping (expected pipetask: LABEL: "
                     "requestMemory: MB)");
        goto done;
    }
    if ((rc = y1_yexpect(&d, pt, YAML_MAPPING_NODE, "a mapping of pipetask labels", err))) goto done;
    size_t np = (size_t)(pt->data.mapping.pairs.top - pt->data.mapping.pairs.start);
    b.label = calloc(np + 1, sizeof *b.label);
    b.mb = calloc(np + 1, sizeof *b.mb);
    if (!b.label || !b.mb) {
        rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (yaml_node_pair_t *p = pt->data.mapping.pairs.start; p < pt->data.mapping.pairs.top; p++) {
        if ((rc = y1_ydup(&d, pt, p, "pipetask", err))) goto done;
        yaml_node_t *k = y1_ynode(&d, p->key), *v = y1_ynode(&d, p->value);
        const char *label = y1_yscalar(k);
        if (!label) {
            rc = y1_yerr(&d, k, err, "a pipetask label must be a string");
            goto done;
        }
        if ((rc = y1_yexpect(&d, v, YAML_MAPPING_NODE, "a mapping of BPS settings", err))) goto done;
        double mb = NAN;
        if ((rc = y1_ynum(&d, v, "requestMemory", 0, 1, 1e9, &mb, err))) goto done;
        if (isnan(mb)) continue; /* a label with other settings only */
        if (!(b.label[b.n] = strdup(label))) {
            rc = y1_errf(err, Y1_ENOMEM, "%s: out of memory", path);
            goto done;
        }
        b.mb[b.n++] = mb;
    }
    *out = b;
    memset(&b, 0, sizeof b);
done:
    est_val_bps_clear(&b);
    y1_ydoc_free(&d);
    return rc;
}

/* ---- the comparison ------------------------------------------------------------------------ */

const char *est_val_verdict_name(int v)
{
    switch (v) {
    case EST_VAL_WITHIN: return "within tolerance";
    case EST_VAL_OVER: return "over-predicted";
    case EST_VAL_UNDER: return "under-predicted";
    default: return "not measured";
    }
}

static int verdict(double ratio, double tol)
{
    if (!isfinite(ratio)) return EST_VAL_UNMEASURED;
    if (ratio < 1 - tol) return EST_VAL_OVER;
    if (ratio > 1 + tol) return EST_VAL_UNDER;
    return EST_VAL_WITHIN;
}

static void listf(char *buf, size_t n, const char *item)
{
    size_t l = strlen(buf);
    if (l + 1 < n) snprintf(buf + l, n - l, "%s%s", l ? ", " : "", item);
}

static const est_val_row *sort_rows; /* for cmp_cpu only */

static int cmp_cpu(const void *a, const void *b)
{
    const est_val_row *x = &sort_rows[*(const size_t *)a], *y = &sort_rows[*(const size_t *)b];
    double cx = x->measured ? x->cpu_act_s : -1, cy = y->measured ? y->cpu_act_s : -1;
    if (cx != cy) return cx > cy ? -1 : 1;
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* Fill a row's measured columns from m (sorted copies made in work, size >= m's counts). */
static void measured_row(est_val_row *w, const est_val_meas *m, const est_val_bps *bps,
                         double *work, double tol)
{
    w->measured = 1;
    w->jobs_act = (double)m->jobs;
    w->jobs_ratio = w->jobs_pred > 0 ? w->jobs_act / w->jobs_pred : NAN;
    w->done = m->done;
    w->not_done = m->jobs - m->done;
    double cpu = 0, known = 0;
    for (long i = 0; i < m->done; i++)
        if (!isnan(m->cpu_s[i])) {
            cpu += m->cpu_s[i];
            known++;
        }
    w->cpu_unknown = m->done - (long)known;
    w->cpu_act_s = cpu;
    w->cpu_ratio = w->cpu_pred_s > 0 ? cpu / w->cpu_pred_s : NAN;
    w->cpu_job_ratio = known > 0 && w->cpu_pred_s > 0
        ? (cpu / known) / (w->cpu_pred_s / w->jobs_pred) : NAN;
    w->retry_cpu_s = m->retry_cpu_s;
    w->verdict = verdict(w->cpu_ratio, tol);
    /* memory: every job with a sample, against the model and the BPS request */
    w->mem_n = (long)m->npeak;
    w->mem_p50 = w->mem_p95 = w->mem_max = NAN;
    if (m->npeak) {
        memcpy(work, m->peak_gib, m->npeak * sizeof *work);
        gsl_sort(work, 1, m->npeak);
        w->mem_p50 = gsl_stats_quantile_from_sorted_data(work, 1, m->npeak, 0.50);
        w->mem_p95 = gsl_stats_quantile_from_sorted_data(work, 1, m->npeak, 0.95);
        w->mem_max = work[m->npeak - 1];
        for (size_t i = 0; i < m->npeak; i++) w->mem_over += work[i] > w->mem_model_gib;
    }
    w->bps_gib = NAN;
    for (size_t i = 0; bps && i < bps->n; i++)
        if (!strcmp(bps->label[i], w->label)) w->bps_gib = bps->mb[i] / 1024.0;
    for (size_t i = 0; !isnan(w->bps_gib) && i < m->npeak; i++) w->bps_over += m->peak_gib[i] > w->bps_gib;
    /* wall / CPU per job where both are known and the CPU is positive */
    size_t k = 0;
    for (long i = 0; i < m->done; i++)
        if (isfinite(m->wall_s[i]) && isfinite(m->cpu_s[i]) && m->cpu_s[i] > 0)
            work[k++] = m->wall_s[i] / m->cpu_s[i];
    w->wc_n = (long)k;
    static const double q[5] = {0, 0.32, 0.50, 0.68, 1.0};
    if (k) gsl_sort(work, 1, k);
    for (int i = 0; i < 5; i++) w->wc[i] = k ? gsl_stats_quantile_from_sorted_data(work, 1, k, q[i]) : NAN;
}

void est_val_pred_from_result(est_val_pred *out, const est_result *r)
{
    for (size_t t = 0; t < r->ntasks; t++) {
        const est_task_row *x = &r->t2[t];
        out[t] = (est_val_pred){x->task->label, mdl_level_name(x->task->level), x->instances,
                                x->cpu_hours * 3600.0, x->max_rss_gib};
    }
}

int est_val_pred_load(est_val_pred **out, size_t *n, void **doc, const char *path, y1_err *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *tasks;
    *doc = root;
    if (!root) {
        FILE *fp = fopen(path, "r");
        if (!fp) return y1_errf(err, Y1_EIO, "%s: cannot open", path);
        fclose(fp);
        return y1_errf(err, Y1_EINPUT, "%s:%d:%d: malformed JSON: %s", path, je.line, je.column,
                       je.text);
    }
    tasks = json_object_get(root, "tasks");
    if (!json_is_array(tasks) || json_array_size(tasks) == 0)
        return y1_errf(err, Y1_EINPUT, "%s: no \"tasks\" list (expected a summary.json that "
                       "y1est estimate wrote)", path);
    size_t nt = json_array_size(tasks);
    est_val_pred *p = calloc(nt, sizeof *p);
    if (!p) return y1_errf(err, Y1_ENOMEM, "out of memory");
    for (size_t i = 0; i < nt; i++) {
        json_t *t = json_array_get(tasks, i);
        json_t *nm = json_object_get(t, "name"), *lv = json_object_get(t, "level");
        json_t *in = json_object_get(t, "instances"), *ch = json_object_get(t, "cpu_hours");
        json_t *mx = json_object_get(t, "max_maxrss_gib");
        if (!json_is_string(nm) || !json_is_string(lv) || !json_is_number(in) ||
            !json_is_number(ch) || !json_is_number(mx)) {
            free(p);
            return y1_errf(err, Y1_EINPUT, "%s: tasks[%zu]: expected name, level (strings), "
                           "instances, cpu_hours, max_maxrss_gib (numbers)", path, i);
        }
        p[i] = (est_val_pred){json_string_value(nm), json_string_value(lv),
                              json_number_value(in), json_number_value(ch) * 3600.0,
                              json_number_value(mx)};
    }
    *out = p;
    *n = nt;
    return Y1_OK;
}

int est_val_compare(est_val *out, const est_val_pred *pred, size_t npred, const est_val_set *m,
                    double tol, const est_val_bps *bps, y1_err *err)
{
    est_val v;
    memset(&v, 0, sizeof v);
    v.tolerance = tol;
    size_t maxn = 1;
    for (size_t i = 0; i < m->n; i++) {
        if ((size_t)m->v[i].jobs > maxn) maxn = (size_t)m->v[i].jobs;
        if (m->v[i].npeak > maxn) maxn = m->v[i].npeak;
    }
    double *work = malloc(maxn * sizeof *work);
    v.rows = calloc(npred + 1, sizeof *v.rows);
    v.by_cpu = calloc(npred + 1, sizeof *v.by_cpu);
    int rc = Y1_OK;
    if (!work || !v.rows || !v.by_cpu) {
        rc = y1_errf(err, Y1_ENOMEM, "out of memory");
        goto done;
    }
    v.n = npred;
    size_t matched = 0;
    est_val_row *tot = &v.total;
    tot->label = "total";
    tot->level = "";
    for (size_t t = 0; t < npred; t++) {
        est_val_row *w = &v.rows[t];
        w->label = pred[t].label;
        w->level = pred[t].level;
        w->jobs_pred = pred[t].jobs;
        w->cpu_pred_s = pred[t].cpu_s;
        w->mem_model_gib = pred[t].mem_gib;
        w->verdict = EST_VAL_UNMEASURED;
        w->jobs_ratio = w->cpu_ratio = w->cpu_job_ratio = w->jobs_act = w->cpu_act_s = NAN;
        w->mem_p50 = w->mem_p95 = w->mem_max = w->bps_gib = w->cum_frac = NAN;
        for (int i = 0; i < 5; i++) w->wc[i] = NAN;
        const est_val_meas *mm = NULL;
        for (size_t i = 0; i < m->n && !mm; i++)
            if (!strcmp(m->v[i].label, w->label)) mm = &m->v[i];
        tot->jobs_pred += w->jobs_pred;
        tot->cpu_pred_s += w->cpu_pred_s;
        if (!mm) {
            listf(v.unmeasured, sizeof v.unmeasured, w->label);
            v.nunmeasured++;
            continue;
        }
        matched++;
        measured_row(w, mm, bps, work, tol);
        tot->jobs_act = (isnan(tot->jobs_act) ? 0 : tot->jobs_act) + w->jobs_act;
        tot->cpu_act_s += w->cpu_act_s;
        tot->done += w->done;
        tot->not_done += w->not_done;
        tot->retry_cpu_s += w->retry_cpu_s;
        tot->cpu_unknown += w->cpu_unknown;
        tot->mem_n += w->mem_n;
        tot->mem_over += w->mem_over;
        tot->bps_over += w->bps_over;
    }
    for (size_t i = 0; i < m->n; i++) {
        int known = 0;
        for (size_t t = 0; t < npred; t++) known |= !strcmp(pred[t].label, m->v[i].label);
        if (known) continue;
        char item[200];
        snprintf(item, sizeof item, "%s (%ld job%s)", m->v[i].label, m->v[i].jobs,
                 m->v[i].jobs == 1 ? "" : "s");
        listf(v.unknown, sizeof v.unknown, item);
        v.nunknown++;
    }
    if (matched == 0) {
        rc = y1_errf(err, Y1_EINPUT, "no measured label is a task of the estimate: measured %s; "
                     "estimated %s", v.unknown, v.unmeasured);
        goto done;
    }
    /* the totals compare the tasks both sides have */
    double pred_matched = 0, jobs_matched = 0;
    for (size_t t = 0; t < v.n; t++)
        if (v.rows[t].measured) {
            pred_matched += v.rows[t].cpu_pred_s;
            jobs_matched += v.rows[t].jobs_pred;
        }
    tot->measured = 1;
    tot->jobs_ratio = tot->jobs_act / jobs_matched;
    tot->cpu_ratio = tot->cpu_act_s / pred_matched;
    tot->cpu_job_ratio = NAN;
    tot->verdict = verdict(tot->cpu_ratio, tol);
    tot->mem_model_gib = tot->mem_p50 = tot->mem_p95 = tot->mem_max = tot->bps_gib = NAN;
    for (int i = 0; i < 5; i++) tot->wc[i] = NAN;
    tot->cum_frac = 1;
    for (size_t t = 0; t < v.n; t++) v.by_cpu[t] = t;
    sort_rows = v.rows;
    qsort(v.by_cpu, v.n, sizeof *v.by_cpu, cmp_cpu);
    sort_rows = NULL;
    double cum = 0;
    for (size_t k = 0; k < v.n; k++) {
        est_val_row *w = &v.rows[v.by_cpu[k]];
        if (!w->measured) continue;
        cum += w->cpu_act_s;
        w->cum_frac = tot->cpu_act_s > 0 ? cum / tot->cpu_act_s : NAN;
    }
    *out = v;
    memset(&v, 0, sizeof v);
done:
    free(work);
    est_val_clear(&v);
    return rc;
}

void est_val_clear(est_val *v)
{
    free(v->rows);
    free(v->by_cpu);
    memset(v, 0, sizeof *v);
}
