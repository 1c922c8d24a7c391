#!/usr/bin/env python3
"""rtn109-build.py: writes rtn109-w_2025_41.yaml from RTN-109's published tables
(tests/data/rtn109/*.csv, copied from the technote) and the task list of the LSSTCam DRP
pipeline (drp_pipe w_2025_41). Run from the repository root:

    python3 data/pipelines/rtn109-build.py > data/pipelines/rtn109-w_2025_41.yaml

Only the Python standard library is used. Every value the file carries names the published
numbers it was computed from."""
import csv
import sys

T = "tests/data/rtn109/"


def rows(name):
    with open(T + name) as f:
        return [r for r in csv.reader(f) if r and not r[0].startswith("#")][1:]


t5 = rows("table5_dp2_cpu_by_task.csv")
t8 = rows("table8_dr1_cpu_by_task.csv")
t3 = rows("table3_dp2_storage_top20.csv")
t4 = rows("table4_dp2_storage_release.csv")
t6 = rows("table6_dr1_storage_top20.csv")

# The technote truncates some labels; the full labels are those of drp_pipe w_2025_41
# (pipelines/_ingredients/analysis-*.yaml). Where two rows share a truncated prefix the
# MetricTable task is taken first, as in the pipeline's alphabetical listing (an assumption:
# the two rows of each pair differ only in CPU).
FULL = {
    ("makeAnalysisSingleVisitStarAssoc...", 0): "makeAnalysisSingleVisitStarAssociationMetricTable",
    ("makeAnalysisSingleVisitStarAssoc...", 1): "makeAnalysisSingleVisitStarAssociationWholeSkyPlot",
    ("makeAnalysisRecalibratedStarAsso...", 0): "makeAnalysisRecalibratedStarAssociationMetricTable",
    ("makeAnalysisRecalibratedStarAsso...", 1): "makeAnalysisRecalibratedStarAssociationWholeSkyPlot",
    ("makeMetricTableObjectTableCoreRe...", 0): "makeMetricTableObjectTableCoreRefCatMatch",
    ("objectTableCoreRefCatMatchWholeS...", 0): "objectTableCoreRefCatMatchWholeSkyPlot",
    ("makeAnalysisSourceAssociationMet...", 0): "makeAnalysisSourceAssociationMetricTable",
    ("makeAnalysisSourceAssociationWho...", 0): "makeAnalysisSourceAssociationWholeSkyPlot",
}

# Quantum dimensions per task, in our vocabulary, from each task's inputs and outputs in
# DRP.yaml. Each must agree with the task's DP2 job count in Table 5 (asserted below).
V, VD, VDT, W = "visit", "visit x detector", "visit x detector x tract", "visit x tract x patch"
C, P, TR, TB, G, B = "patch x band", "patch", "tract", "tract x band", "global", "band"
DIMS = {
    "isr": VD, "calibrateImage": VD, "standardizeSingleVisitStar": VD,
    "consolidateVisitSummary": V, "consolidateSingleVisitStar": V,
    "makeInitialVisitDetectorTable": G, "makeInitialVisitTable": G,
    "associateIsolatedStar": TR, "analyzeSingleVisitStarAssociation": TR,
    "makeAnalysisSingleVisitStarAssociationMetricTable": G,
    "makeAnalysisSingleVisitStarAssociationWholeSkyPlot": G,
    "fgcmBuildFromIsolatedStar": G, "gbdesHealpix3AstrometricFit": "healpix3 x band",
    "refitPsfModelDetector": VD, "fgcmFitCycle": G, "consolidateRefitPsfModelDetector": V,
    "fgcmOutputProducts": G, "updateVisitSummary": V, "recalibrateSingleVisitStar": VD,
    "makeVisitDetectorTable": G, "makeVisitTable": G, "standardizeRecalibratedStar": VD,
    "consolidateRecalibratedStar": V, "analyzeRecalibratedStarAssociation": TR,
    "makeAnalysisRecalibratedStarAssociationMetricTable": G,
    "makeAnalysisRecalibratedStarAssociationWholeSkyPlot": G,
    "makeDirectWarp": W, "selectDeepCoaddVisits": C, "selectTemplateCoaddVisits": C,
    "makePsfMatchedWarp": W, "assembleDeepCoadd": C, "assembleTemplateCoadd": C,
    "makeBinnedDeepNImage": C, "assembleCellCoadd": C, "makeHealSparsePropertyMaps": TB,
    "detectCoaddPeaks": C, "makeBinnedTemplateNImage": C, "makeWholeTractDeepNImage": TB,
    "plotPropertyMapTract": TB, "consolidateHealSparsePropertyMaps": B,
    "makeBinnedCoaddImage": C, "mergeObjectDetection": P, "makeWholeTractTemplateNImage": TB,
    "plotPropertyMapSurvey": B, "makeWholeTractImage": TB, "deconvolve": C,
    "deblendCoaddFootprints": P, "measureObjectUnforced": C, "fitDeepCoaddPsfGaussians": C,
    "mergeObjectMeasurement": P, "fitDeblendedObjectsExp": P, "measureObjectForced": C,
    "fitDeblendedObjectsSersic": P, "rewriteObject": P, "computeObjectEpochs": P,
    "standardizeObject": P, "consolidateObject": TR, "analyzeObjectTableCore": TR,
    "analyzeObjectTableSurveyCore": G, "catalogMatchTract": TR, "photometricCatalogMatch": TR,
    "validateObjectTableCore": TR, "splitPrimaryObject": TR, "makeMetricTableObjectTableCore": G,
    "refCatObjectTract": TR, "photometricRefCatObjectTract": TR,
    "objectTableCoreWholeSkyPlot": G, "makeMetricTableObjectTableCoreRefCatMatch": G,
    "objectTableCoreRefCatMatchWholeSkyPlot": G, "analyzeRecalibratedStarObjectMatch": V,
    "reprocessVisitImage": VD, "standardizeSource": VD, "rewarpTemplate": VD,
    "consolidateSource": V, "subtractImages": VD, "associateAnalysisSource": TR,
    "splitPrimarySource": V, "detectAndMeasureDiaSource": VD, "analyzeSourceAssociation": TR,
    "filterDiaSource": VD, "forcedPhotObjectDetector": VDT,
    "makeAnalysisSourceAssociationMetricTable": G, "computeReliability": VD,
    "standardizeObjectForcedSource": P, "makeAnalysisSourceAssociationWholeSkyPlot": G,
    "filterDiaSourcePostReliability": VD, "splitPrimaryObjectForcedSource": P,
    "standardizeDiaSource": VD, "consolidateVisitDiaSource": V, "associateDiaSource": P,
    "calculateDiaObject": P, "consolidateDiaSource": TR, "consolidateSsTables": G,
    "consolidateDiaObject": TR, "forcedPhotDiaObjectDetector": VDT,
    "analyzeDiaSourceTableTract": TR, "standardizeDiaObjectForcedSource": P,
}

# DP2's dimension counts (RTN-109 Table 5 job counts; the band tasks show 7 in DP2, and
# RTN-109 counts gbdesHealpix3AstrometricFit as tract x band).
DP2 = {V: 22229, VD: 3823388, VDT: 6507208, W: 11571944, C: 1072709, P: 293894, TR: 3650,
       TB: 12590, G: 1, B: 7, "healpix3 x band": 12590}
DR1_N = {C: 107391908 / 7398852, P: 107391908 / 1285731}   # mean n in DR1 (Table 8)
DP2_N = {C: 11571944 / 1072709, P: 11571944 / 293894}      # mean n in DP2 (Table 5)

# Producing task of each dataset type in Tables 3, 4 and 6 (the connections of DRP.yaml).
PRODUCER = {
    "direct_warp": "makeDirectWarp", "psf_matched_warp": "makePsfMatchedWarp",
    "template_detector": "rewarpTemplate", "deep_coadd_cell_predetection": "assembleCellCoadd",
    "difference_image_predetection": "subtractImages", "template_matched": "subtractImages",
    "visit_image": "reprocessVisitImage", "preliminary_visit_image": "calibrateImage",
    "difference_image": "detectAndMeasureDiaSource", "post_isr_image": "isr",
    "deep_coadd": "detectCoaddPeaks", "deep_coadd_predetection": "assembleDeepCoadd",
    "template_coadd": "assembleTemplateCoadd", "object_unstandardized": "rewriteObject",
    "source_footprints": "reprocessVisitImage", "deconvolved_deep_coadd": "deconvolve",
    "single_visit_star_footprints": "calibrateImage",
    "object_unforced_measurement": "measureObjectUnforced",
    "object_forced_measurement": "measureObjectForced",
    "object_forced_source_unstandardized": "forcedPhotObjectDetector",
    "object_scarlet_models": "deblendCoaddFootprints", "object_nonprimary": "splitPrimaryObject",
    "object": "splitPrimaryObject", "source2": "splitPrimarySource",
    "object_forced_source_nonprimary": "splitPrimaryObjectForcedSource",
    "object_forced_source": "splitPrimaryObjectForcedSource",
    "compare_warp_artifact_mask": "assembleDeepCoadd", "source_nonprimary": "splitPrimarySource",
    "dia_object_forced_source": "standardizeDiaObjectForcedSource",
    "deep_coadd_n_image": "assembleDeepCoadd", "visit_summary": "updateVisitSummary",
    "visit_image_background": "reprocessVisitImage", "isolated_star": "associateIsolatedStar",
    "dia_source": "consolidateDiaSource", "deep_coadd_background": "detectCoaddPeaks",
    "dia_object": "consolidateDiaObject", "source_unstandardized": "reprocessVisitImage",
}


def fmt(x):
    return "%.7g" % x


def label_of(rows_, i):
    name = rows_[i][0]
    k = sum(1 for r in rows_[:i] if r[0] == name)
    return FULL.get((name, k), name)


out = []
w = out.append
w("""# rtn109-w_2025_41.yaml: the LSSTCam DRP pipeline as Rubin technote RTN-109 ("DRP Resource Usage
# Estimates", 2025) costed it, as a y1est pipeline file. Written by rtn109-build.py from the
# technote's tables (tests/data/rtn109/, see its README) -- do not edit by hand.
#
# Tasks: the 97 rows of RTN-109 Table 5 (DP2), in its order, which is the pipeline order of
# drp_pipe pipelines/LSSTCam/DRP.yaml at w_2025_41 (labels the technote truncates are written
# in full from the pipeline's analysis ingredients). Quantum dimensions: assigned in y1est's
# vocabulary from each task's role in the pipeline (what it reads and writes in DRP.yaml); every
# assignment is checked against the task's DP2 job count in Table 5 (the generator asserts it).
#
# CPU: RTN-109's core-weighted CPU (each job charged ceil(maxRSS / 4 GB) cores; mean per job,
# CPU = end minus start CPU of the run method), so every cpu model is `weighted: true` and no
# memory model is given (the technote does not publish maxRSS per task).
#  - constant tasks: Table 5 CPU / Table 5 jobs;
#  - visit-scaling tasks: a line in n (visits per coadd for patch x band, per patch summed over
#    bands for patch) through the DP2 point (Table 5 CPU / jobs at the DP2 mean n = 11,571,944
#    warps / 1,072,709 coadds = 10.79, or / 293,894 patches = 39.37) and the DR1 point (Table 8,
#    at mean n 14.51 or 83.53). These are the tasks whose per-job CPU differs by more than 5 %
#    between Tables 5 and 8; all have n-dimensions. Their DR1 figures are therefore derived from
#    Table 8 and cannot test against it. Lines with a negative intercept carry floor: 0.
# Storage: mean size per file = total / count of RTN-109 Table 3 or 4 (DP2), decimal MB;
# release: true for the types of Table 4 (the release products). source_unstandardized is not
# in the DP2 tables; its size comes from Table 6 (DR1).
#
# Known inconsistencies of the technote (see ../../tests/data/rtn109/README.md): its DR1 tables
# count 35,596,260 visit x detector jobs for isr .. calibrateImage but 37,270,840 for
# reprocessVisitImage and the visit_image products, 188,340 or 267,902 visits, 13,015 or 93,346
# tracts for the isolated-star tasks, 16 or 10 instances for global tasks and 60 for band tasks;
# gbdesHealpix3AstrometricFit has 12,590 jobs in DP2 (= tract x band) and 352,800 in DR1 although
# the sky has only 768 order-3 pixels: its per-job CPU is per such pseudo-job.
# The detector set is the workload's: DP2 used 172 of the 189 science detectors.
y1est_pipeline: 1
name: rtn109-w_2025_41
description: "LSSTCam DRP (drp_pipe w_2025_41) with RTN-109's DP2 per-job core-weighted CPU and DP2 dataset sizes"
source: "RTN-109 (lsst/rtn-109 index.rst, commit 44f3510) Tables 3-5 and 8; drp_pipe w_2025_41 pipelines/LSSTCam/DRP.yaml"
tasks:""")

labels = []
for i, (r5, r8) in enumerate(zip(t5, t8)):
    assert r5[0] == r8[0], (r5, r8)
    lab = label_of(t5, i)
    labels.append(lab)
    dim = DIMS[lab]
    j5, c5 = int(r5[1]), float(r5[2])
    j8, c8 = int(r8[1]), float(r8[2])
    assert DP2[dim] == j5, (lab, dim, j5)
    p5, p8 = c5 / j5, c8 / j8
    w("  - label: %s" % lab)
    w("    order: %d" % (i + 1))
    w("    dimensions: %s" % dim)
    if abs(p8 / p5 - 1) > 0.05:
        assert dim in (C, P), lab
        n5, n8 = DP2_N[dim], DR1_N[dim]
        slope = (p8 - p5) / (n8 - n5)
        icpt = p5 - slope * n5
        src = ("line through Table 5 (%s s / %s jobs = %s s at n = %s) and Table 8 (%s s / %s "
               "jobs = %s s at n = %s)" % (r5[2], format(j5, ","), fmt(p5), fmt(n5), r8[2],
                                           format(j8, ","), fmt(p8), fmt(n8)))
        w('    source: "RTN-109 %s"' % src)
        floor = ", floor: 0" if icpt < 0 else ""
        w("    cpu: {model: linear, slope: %s, intercept: %s%s, unit: s, weighted: true, "
          "statistic: mean}" % (fmt(slope), fmt(icpt), floor))
    else:
        w('    source: "RTN-109 Table 5: %s s / %s jobs"' % (r5[2], format(j5, ",")))
        w("    cpu: {model: constant, value: %s, unit: s, weighted: true, statistic: mean}"
          % fmt(p5))

w("products:")
seen = set()
rel = {r[0] for r in t4}
for tab, name in ((t3, "Table 3"), (t4, "Table 4"), (t6, "Table 6")):
    for r in tab:
        ds = r[0]
        if ds in seen:
            continue
        if tab is t6:
            # only what the DP2 tables lack
            pass
        seen.add(ds)
        task = PRODUCER[ds]
        n, gb = int(r[1]), float(r[2])
        if tab is not t6:
            assert DP2[DIMS[task]] == n, (ds, task, n)
        mb = gb * 1000.0 / n
        flag = ", release: true" if ds in rel else ""
        w('  - {task: %s, dataset: %s, size: %s, unit: MB%s, source: "RTN-109 %s: %s GB / %s"}'
          % (task, ds, fmt(mb), flag, name, r[2].rstrip("0").rstrip(".") if "." in r[2] else r[2],
             format(n, ",")))
sys.stdout.write("\n".join(out) + "\n")
