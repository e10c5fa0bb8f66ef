/* passphrase.c - reading passphrases from a terminal or a descriptor. */
#include "app/shop/passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/secret.h"

/* Reads one line from fd into a new buffer, without the newline. */
static enum od_code read_line(int fd, char **out, size_t *len,
			      struct od_err *err)
{
	char *buf = malloc(PASSPHRASE_MAX + 1);
	size_t n = 0;
	ssize_t got;
	char c;

	if (buf == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (;;) {
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			secret_wipe(buf, n);
			free(buf);
			return od_err_set(err, OD_E_IO,
					  "cannot read the passphrase: %s",
					  strerror(errno));
		}
		if (got == 0 || c == '\n')
			break;
		if (n == PASSPHRASE_MAX) {
			secret_wipe(buf, n);
			free(buf);
			return od_err_set(err, OD_E_INPUT,
					  "the passphrase is longer than %d "
					  "bytes", PASSPHRASE_MAX);
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return OD_OK;
}

/* The terminal being read with echo off, for the signal handler. */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;
static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
#define NSIGNALS (sizeof tty_signals / sizeof tty_signals[0])

/* Ctrl-C (or a closed terminal) at the prompt: put echo back, then die. */
static void restore_and_reraise(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Asks on the terminal with echo off, restoring it whatever happens. */
static enum od_code read_tty(const char *prompt, char **out, size_t *len,
			     struct od_err *err)
{
	struct sigaction sa, old[NSIGNALS];
	struct termios quiet;
	enum od_code rc;
	size_t i;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return od_err_set(err, OD_E_USAGE,
				  "no terminal to ask for the passphrase on; "
				  "give it with --passphrase-fd N");
	if (tcgetattr(fd, &tty_saved) != 0) {
		close(fd);
		return od_err_set(err, OD_E_USAGE,
				  "cannot turn off echo on this terminal; give"
				  " the passphrase with --passphrase-fd N");
	}
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (write(fd, prompt, strlen(prompt)) < 0)
		(void)0; /* the prompt is a courtesy; reading still works */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	tty_fd = fd;
	for (i = 0; i < NSIGNALS; i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	rc = read_line(fd, out, len, err);
	tcsetattr(fd, TCSAFLUSH, &tty_saved);
	for (i = 0; i < NSIGNALS; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	tty_fd = -1;
	if (write(fd, "\n", 1) < 0)
		(void)0;
	close(fd);
	return rc;
}

enum od_code passphrase_read(int fd, const char *prompt, char **out,
			     size_t *len, struct od_err *err)
{
	*out = NULL;
	*len = 0;
	if (fd >= 0)
		return read_line(fd, out, len, err);
	return read_tty(prompt, out, len, err);
}

enum od_code passphrase_read_new(int fd, const char *who, char **out,
				 size_t *len, struct od_err *err)
{
	char prompt[128], *again = NULL;
	size_t again_len = 0;
	enum od_code rc;

	snprintf(prompt, sizeof prompt, "New passphrase for %s: ", who);
	rc = passphrase_read(fd, prompt, out, len, err);
	if (rc == OD_OK && *len < PASSPHRASE_MIN)
		rc = od_err_set(err, OD_E_USAGE,
				"the passphrase for %s is too short; use at "
				"least %d characters", who, PASSPHRASE_MIN);
	if (rc == OD_OK && fd < 0) {
		snprintf(prompt, sizeof prompt, "Same passphrase again: ");
		rc = passphrase_read(fd, prompt, &again, &again_len, err);
		if (rc == OD_OK && (again_len != *len ||
				    memcmp(again, *out, *len) != 0))
			rc = od_err_set(err, OD_E_USAGE,
					"the two passphrases differ; nothing "
					"was changed");
		secret_free_str(again);
	}
	if (rc != OD_OK) {
		secret_free_str(*out);
		*out = NULL;
		*len = 0;
	}
	return rc;
}
