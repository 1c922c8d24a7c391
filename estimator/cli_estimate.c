/* cli_estimate.c: placeholder. */
#include "estimator/cli.h"

int cli_estimate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "y1est: 'estimate' is not built yet\n");
    return 2;
}
