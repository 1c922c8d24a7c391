/* cli_campaign.c: the 'campaign' subcommand (placeholder until it lands). */
#include "estimator/cli.h"

int cli_campaign(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "y1est: 'campaign' is not built yet\n");
    return 2;
}
