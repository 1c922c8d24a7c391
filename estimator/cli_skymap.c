/* cli_skymap.c: the 'skymap' subcommand (placeholder until its module lands). */
#include "estimator/cli.h"

int cli_skymap(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "y1est: 'skymap' is not built yet\n");
    return 2;
}
