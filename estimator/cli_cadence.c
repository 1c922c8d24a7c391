/* cli_cadence.c: placeholder. */
#include "estimator/cli.h"

int cli_cadence(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "y1est: 'cadence' is not built yet\n");
    return 2;
}
