/*
 * thread-start.h - a helper thread that never takes the process's signals:
 * Ctrl-C and SIGTERM stay the main thread's (lib/progress.h says
 * "interrupted" and ends the process there).
 */
#ifndef OD_THREAD_START_H
#define OD_THREAD_START_H

#include <pthread.h>

/* pthread_create(t, NULL, fn, arg) with every signal blocked in the new
 * thread; 0, or pthread_create's error number. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
