/* cmd-witness-policy.h - `orderdesk witness policy` (cmd-witness.c calls
 * it for that subcommand). */
#ifndef OD_CMD_WITNESS_POLICY_H
#define OD_CMD_WITNESS_POLICY_H

#include "app/orderdesk/cli.h"

/* argv[1] is "policy"; the rest its options. */
enum od_code witness_policy_cmd(struct cli *c, int argc, char **argv,
				struct od_err *err);

/* argv[1] is "name-log-key", argv[2] the key. */
enum od_code witness_log_key_cmd(struct cli *c, int argc, char **argv,
				 struct od_err *err);

#endif
