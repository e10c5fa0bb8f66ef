/* cmd-user.c - `orderdesk user ...`: the shop's people. */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "app/keys/sigtoken.h"
#include "app/log/role-define.h"
#include "app/shop/keyslot-token.h"
#include "app/shop/passphrase.h"
#include "app/shop/shop-token.h"
#include "lib/secret.h"

/* Parses a descriptor number for --new-passphrase-fd. */
static int fd_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return (*s && !*end && v >= 0 && v < 65536) ? (int)v : -2;
}

/* Refuses (OD_E_USAGE) what could be neither a built-in role nor one the
 * owner defines; whether it is defined is the store's to say. */
static enum od_code role_known(const char *role, struct od_err *err)
{
	enum role r;

	if (role_parse(role, &r, err) == OD_OK ||
	    role_define_check_name("--role", role, err) == OD_OK)
		return OD_OK;
	return od_err_set(err, OD_E_USAGE, "unknown role %.32s; use owner, "
			  "shopkeeper, staff, storefront or one `orderdesk "
			  "role list` shows", role);
}

/* user add NAME --role ROLE [--key pkcs11:URI] [--new-passphrase-fd N] */
static enum od_code user_add(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "new-passphrase-fd", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *role_arg = NULL, *uri = NULL;
	struct shop *sh = NULL;
	struct role_power power;
	char *pass = NULL;
	size_t len = 0;
	enum od_code rc;
	int opt, new_fd = -1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'r')
			role_arg = optarg;
		else if (opt == 'k')
			uri = optarg;
		else if (opt == 'n' && (new_fd = fd_arg(optarg)) >= 0)
			continue;
		else
			return cli_usage(&cmd_user_entry, err);
	}
	if (role_arg == NULL || optind + 1 != argc)
		return cli_usage(&cmd_user_entry, err);
	rc = role_known(role_arg, err);
	/* A bad URI is refused before any passphrase is asked. */
	if (rc == OD_OK && uri != NULL)
		rc = sigtoken_check_uri(uri, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)    /* a defined role must be, before a passphrase */
		rc = role_power_load(sh->store, role_arg, &power, err);
	if (rc == OD_OK)
		rc = passphrase_read_new(new_fd, argv[optind], &pass, &len,
					 err);
	if (rc == OD_OK && uri != NULL)
		rc = shop_user_add_token(sh, argv[optind], role_arg, uri,
					 pass, len, err);
	else if (rc == OD_OK)
		rc = shop_user_add_named(sh, argv[optind], role_arg, pass, len,
					 err);
	secret_free_str(pass);
	if (rc == OD_OK)
		fprintf(c->out, "Added %s as %s%s%s, signed by %s.\n",
			argv[optind], role_arg,
			uri != NULL ? ", signing with the key at " : "",
			uri != NULL ? uri : "", sh->user);
	shop_close(sh);
	return rc;
}

/* Prints one user for `user list`. */
static enum od_code print_user(void *ctx, const struct user_record *u,
			       struct od_err *err)
{
	struct cli *c = ctx;

	(void)err;
	fprintf(c->out, "%-16s %-10s %-8s %s\n", u->name, u->role,
		u->active ? "active" : "revoked", u->fingerprint);
	return OD_OK;
}

static enum od_code user_list(struct cli *c, struct od_err *err)
{
	struct shop *sh = NULL;
	enum od_code rc = cli_unlock(c, SHOP_READ, &sh, err);

	if (rc == OD_OK) {
		fprintf(c->out, "%-16s %-10s %-8s %s\n", "USER", "ROLE",
			"STATE", "KEY");
		rc = store_user_each(sh->store, print_user, c, err);
	}
	shop_close(sh);
	return rc;
}

/* user passwd: the signed-in user changes their own passphrase. */
static enum od_code user_passwd(struct cli *c, int argc, char **argv,
				struct od_err *err)
{
	static const struct option opts[] = {
		{ "new-passphrase-fd", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct shop *sh = NULL;
	char *old = NULL, *fresh = NULL, prompt[96];
	size_t old_len = 0, fresh_len = 0;
	enum od_code rc;
	int opt, new_fd = -1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'n' || (new_fd = fd_arg(optarg)) < 0)
			return cli_usage(&cmd_user_entry, err);
	}
	if (optind != argc)
		return cli_usage(&cmd_user_entry, err);
	/* The old passphrase is read here, not by cli_unlock: it is needed
	 * again to re-seal the key. */
	snprintf(prompt, sizeof prompt, "Current passphrase: ");
	cli_pin_setup(c);       /* a key on a token signs the rekey */
	rc = passphrase_read(c->pass_fd, prompt, &old, &old_len, err);
	if (rc == OD_OK) {
		const char *user = c->user ? c->user : getenv("ORDERDESK_USER");

		if (user == NULL)
			rc = od_err_set(err, OD_E_USAGE,
					"say whose passphrase with --user NAME");
		else
			rc = shop_unlock(c->store_dir, user, old, old_len,
					 SHOP_WRITE, &sh, err);
	}
	if (rc == OD_OK)
		rc = passphrase_read_new(new_fd, sh->user, &fresh, &fresh_len,
					 err);
	if (rc == OD_OK)
		rc = shop_passwd_token(sh, old, old_len, fresh, fresh_len,
				       err);
	if (rc == OD_OK)
		fprintf(c->out, "Changed the passphrase of %s and rotated "
			"their signing key (%s); the old passphrase and key "
			"sign nothing from now on.\n", sh->user,
			sh->fingerprint);
	secret_free_str(old);
	secret_free_str(fresh);
	shop_close(sh);
	return rc;
}

/* user revoke NAME | user role NAME ROLE */
static enum od_code user_change(struct cli *c, const char *what, int argc,
				char **argv, struct od_err *err)
{
	struct shop *sh = NULL;
	struct statement *st = NULL;
	int revoke = strcmp(what, "revoke") == 0;
	enum od_code rc;

	if (argc != (revoke ? 2 : 3))
		return cli_usage(&cmd_user_entry, err);
	if (!revoke && (rc = role_known(argv[2], err)) != OD_OK)
		return rc;
	rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK && revoke) {
		rc = shop_user_revoke(sh, argv[1], err);
		if (rc == OD_OK)
			fprintf(c->out, "Revoked %s and rotated the store's "
				"key.\n", argv[1]);
	} else if (rc == OD_OK) {
		rc = shop_statement(sh, STMT_USER_ROLE, NULL, &st, err);
		if (rc == OD_OK)
			rc = statement_add(st, "user", argv[1], err);
		if (rc == OD_OK)
			rc = statement_add(st, "role", argv[2], err);
		if (rc == OD_OK)
			rc = shop_append(sh, &st, 1, NULL, err);
		if (rc == OD_OK)
			fprintf(c->out, "%s is now %s.\n", argv[1], argv[2]);
	}
	statement_free(st);
	shop_close(sh);
	return rc;
}

/*
 * user key move NAME --to pkcs11:URI: NAME (who must be the one signing
 * in) moves their signing key onto a token.
 */
static enum od_code key_move(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	const char *user = c->user ? c->user : getenv("ORDERDESK_USER");
	struct shop *sh = NULL;
	enum od_code rc;

	if (argc != 4 || strcmp(argv[2], "--to") != 0)
		return cli_usage(&cmd_user_entry, err);
	rc = sigtoken_check_uri(argv[3], err);
	if (rc != OD_OK)
		return rc;
	/* A user.rekey is signed by the person whose key changes. */
	if (user != NULL && strcmp(user, argv[1]) != 0)
		return od_err_set(err, OD_E_USAGE, "only %s can move their own"
				  " key: sign in as them with --user %s",
				  argv[1], argv[1]);
	if (user == NULL)
		c->user = argv[1];
	rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK && strcmp(sh->user, argv[1]) != 0)
		rc = od_err_set(err, OD_E_USAGE, "only %s can move their own "
				"key: sign in as them with --user %s",
				argv[1], argv[1]);
	if (rc == OD_OK)
		rc = shop_key_move(sh, argv[3], err);
	if (rc == OD_OK)
		fprintf(c->out, "%s now signs with the key at %s (%s); their "
			"old key signs nothing from now on.\n", sh->user,
			argv[3], sh->fingerprint);
	shop_close(sh);
	return rc;
}

/*
 * user key use NAME pkcs11:URI: at this desk, NAME's key (the one the log
 * names) is on the token at URI: a desk that got their slot from another,
 * or a store restored from a backup.  Checked by unlocking as NAME: the
 * unlock refuses a key that is not the log's, and the line is taken back.
 */
static enum od_code key_use(struct cli *c, int argc, char **argv,
			    struct od_err *err)
{
	struct keyslot_token_undo undo;
	struct shop *sh = NULL;
	enum od_code rc;

	if (argc != 3)
		return cli_usage(&cmd_user_entry, err);
	rc = sigtoken_check_uri(argv[2], err);
	if (rc == OD_OK)
		rc = keyslot_token_swap(c->store_dir, argv[1], argv[2], &undo,
					err);
	if (rc != OD_OK)
		return rc;
	c->user = argv[1];
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc != OD_OK) {
		keyslot_token_undo(&undo);
		if (rc == OD_E_TAMPERED)
			rc = od_err_set(err, OD_E_INPUT, "the key at %s is not"
					" the one the shop's log gives %s",
					argv[2], argv[1]);
	} else {
		fprintf(c->out, "%s signs with the key at %s at this desk "
			"(%s).\n", sh->user, argv[2], sh->fingerprint);
	}
	shop_close(sh);
	return rc;
}

/* user key NAME: the public key as PEM, for openssl. */
static enum od_code user_key(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	struct shop *sh = NULL;
	struct user_record u;
	char *pem = NULL;
	enum od_code rc;

	if (argc != 2)
		return cli_usage(&cmd_user_entry, err);
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc == OD_OK)
		rc = store_user_get(sh->store, argv[1], &u, err);
	if (rc == OD_OK)
		rc = sigkey_pem(u.pubkey, &pem, err);
	if (rc == OD_OK)
		fputs(pem, c->out);
	free(pem);
	shop_close(sh);
	return rc;
}

static enum od_code cmd_user(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	if (argc < 2)
		return cli_usage(&cmd_user_entry, err);
	if (strcmp(argv[1], "add") == 0)
		return user_add(c, argc - 1, argv + 1, err);
	if (strcmp(argv[1], "list") == 0 && argc == 2)
		return user_list(c, err);
	if (strcmp(argv[1], "passwd") == 0)
		return user_passwd(c, argc - 1, argv + 1, err);
	if (strcmp(argv[1], "revoke") == 0 || strcmp(argv[1], "role") == 0)
		return user_change(c, argv[1], argc - 1, argv + 1, err);
	if (strcmp(argv[1], "key") == 0 && argc > 3 &&
	    strcmp(argv[2], "move") == 0)
		return key_move(c, argc - 2, argv + 2, err);
	if (strcmp(argv[1], "key") == 0 && argc > 3 &&
	    strcmp(argv[2], "use") == 0)
		return key_use(c, argc - 2, argv + 2, err);
	if (strcmp(argv[1], "key") == 0)
		return user_key(c, argc - 1, argv + 1, err);
	return cli_usage(&cmd_user_entry, err);
}

const struct cli_command cmd_user_entry = {
	"user",
	"add NAME --role ROLE [--key pkcs11:URI] [--new-passphrase-fd N] | "
	"list | passwd [--new-passphrase-fd N] | role NAME ROLE | revoke NAME "
	"| key NAME | key move NAME --to pkcs11:URI | key use NAME pkcs11:URI",
	"manage the shop's people", cmd_user,
};
