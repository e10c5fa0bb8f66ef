/*
 * main-orderdesk.c - the desk program's entry point: with a command, the
 * command line (app/orderdesk/cli.h); with none, the screens (ui/ui.h).
 * It lives in ui/ so that the command line never calls up into the screens.
 */
#include <stdlib.h>

#include "app/orderdesk/cli.h"
#include "ui/ui.h"

int main(int argc, char **argv)
{
	struct cli_desk desk;
	int status;

	status = cli_main(argc, argv, &desk);
	if (status != CLI_DESK)
		return status;
	status = ui_run(desk.store_dir, desk.user, desk.idle_secs,
			desk.sync_every_s);
	free(desk.store_dir);
	return status;
}
