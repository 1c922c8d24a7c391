/* cli_models.c: the 'models' subcommand (placeholder until its module lands). */
#include "estimator/cli.h"

int cli_models(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "y1est: 'models' is not built yet\n");
    return 2;
}
