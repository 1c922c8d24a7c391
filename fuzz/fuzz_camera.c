/* fuzz_camera.c: camera YAML, through the LSSTCam footprint that reads it. */
#include "fuzz/fuzz.h"
#include "skymap/skymap.h"

static int rd(const char *p, y1_err *e)
{
    sky_fp_opts o;
    sky_footprint *fp = NULL;
    sky_fp_opts_init(&o);
    o.kind = SKY_FP_LSSTCAM;
    o.camera_path = p;
    int rc = sky_footprint_new(&fp, &o, e);
    sky_footprint_free(fp);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_on_file(d, n, rd); }
