/* main-orderdesk.c - the desk program's entry point. */
#include "app/orderdesk/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
