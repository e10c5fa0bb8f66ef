/*
 * pager.c - the order or a statement in $PAGER (less when unset), as git
 * and mutt do: the screen is handed to the pager and taken back after.
 * The text goes through a pipe, never a file (it is customer data), made
 * safe first: the pager shows bytes raw, so an escape sequence in a name
 * would reach the terminal.
 */
#include "ui/view.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ui/wrap.h"

#define PAGER_DEFAULT "less"
#define PAGER_TEXT_MAX (16 * 1024 * 1024)

/* Writes all of b to fd; a pager that quit early is not an error. */
static void write_all(int fd, const struct buf *b)
{
	size_t done = 0;
	ssize_t n;

	while (done < b->len) {
		n = write(fd, b->data + done, b->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		done += (size_t)n;
	}
}

/* Runs pager (a shell command) with b on its standard input; returns its
 * wait status, or -1 when it could not start. */
static int run(const char *pager, const struct buf *b)
{
	struct sigaction ign, old_int, old_quit, old_pipe;
	int fd[2], status = -1;
	pid_t pid;

	if (pipe(fd) != 0)
		return -1;
	/* The pager takes Ctrl-C; the desk, waiting, does not end on it. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	sigaction(SIGPIPE, &ign, &old_pipe);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		close(fd[1]);
		if (dup2(fd[0], STDIN_FILENO) < 0)
			_exit(127);
		close(fd[0]);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	if (pid > 0)
		write_all(fd[1], b);
	close(fd[1]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return pid > 0 ? status : -1;
}

enum od_code screen_page(const char *text, struct od_err *err)
{
	const char *pager = getenv("PAGER");
	enum od_code rc;
	struct buf b;
	int status;

	if (pager == NULL || pager[0] == '\0')
		pager = PAGER_DEFAULT;
	buf_init(&b, PAGER_TEXT_MAX);
	rc = wrap_clean(&b, text, err);
	if (rc != OD_OK) {
		buf_free(&b);
		return rc;
	}
	def_prog_mode();
	endwin();
	status = run(pager, &b);
	buf_free(&b);
	reset_prog_mode();
	clearok(curscr, TRUE);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) == 127)
		return od_err_set(err, OD_E_USAGE, "The pager (%.100s) did not "
				  "run; set $PAGER to one that is installed, "
				  "such as less or more.", pager);
	return OD_OK;
}
