/*
 * od-hold - holds the read lock that an open SQLite connection keeps on a
 * database file, until its standard input ends.
 *
 *   od-hold DB_FILE
 *
 * In WAL mode the last connection to close a database copies the WAL into
 * the file and deletes it, unless another connection still has the file
 * open.  While od-hold runs, an orderdesk that commits and exits leaves
 * its commit in the WAL, as one killed right after its commit would: what
 * the tests of a damaged WAL need, without racing a kill -9.  Prints
 * "holding" once the lock is taken.  A test tool only: not installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* SQLite's unix locking: the SHARED lock is a read lock on this range. */
#define SQLITE_SHARED_FIRST (0x40000000 + 2)
#define SQLITE_SHARED_SIZE  510

int main(int argc, char **argv)
{
	struct flock fl;
	char c;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: od-hold DB_FILE < until-eof\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "od-hold: cannot open %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = SQLITE_SHARED_FIRST;
	fl.l_len = SQLITE_SHARED_SIZE;
	if (fcntl(fd, F_SETLKW, &fl) != 0) {
		fprintf(stderr, "od-hold: cannot lock %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	printf("holding\n");
	fflush(stdout);
	errno = 0;
	while (read(0, &c, 1) > 0 || errno == EINTR)
		errno = 0;
	close(fd);
	return 0;
}
