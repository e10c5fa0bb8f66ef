/*
 * progress.h - one line of progress for a long job, on a terminal only.
 *
 * A command that runs a long job calls progress_begin() with what an
 * interruption keeps ("nothing was imported"); the loops deep below it
 * call progress_phase() and progress_step(), which do nothing unless a
 * command began a progress line and stderr is a terminal, so the backend,
 * the screens, pipes and tests see no progress text.  While a line is
 * shown, Ctrl-C (SIGINT) or SIGTERM clears it and says "interrupted;
 * KEPT" before the process ends: every job that uses it leaves the store
 * as a kill would (an open transaction is rolled back).
 */
#ifndef OD_LIB_PROGRESS_H
#define OD_LIB_PROGRESS_H

/* Shows progress from now on if stderr is a terminal; kept: see above. */
void progress_begin(const char *kept);

/* A new stage: "verifying" N "entries" (total < 0: not known). */
void progress_phase(const char *verb, const char *unit, long long total);

/* n more done; the line is redrawn at most ten times a second. */
void progress_step(long long n);

/* Clears the line and restores Ctrl-C; safe to call when not begun. */
void progress_end(void);

/* The line for done of total after secs seconds (for the unit test). */
void progress_format(char *buf, unsigned long size, const char *verb,
		     const char *unit, long long done, long long total,
		     double secs);

#endif
