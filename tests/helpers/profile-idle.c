/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * profile-idle DIR: a process tree that is already running when a tracer attaches (t5005).
 * It starts a thread and a child, writes DIR/ready, then each of the three waits for DIR/go
 * and opens a file of its own (DIR/main.txt, thread.txt, child.txt) before exiting.  A tracer
 * that follows what was there before it attached records all three opens.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static void wait_and_open(const char *name)
{
	char path[4096];
	const struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };
	int fd;

	snprintf(path, sizeof(path), "%s/go", dir);
	while (access(path, F_OK) < 0)
		nanosleep(&tick, NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static void *thread_main(void *arg)
{
	(void)arg;
	wait_and_open("thread.txt");
	return NULL;
}

int main(int argc, char *argv[])
{
	char path[4096];
	pthread_t th;
	pid_t child;
	int fd;

	if (argc != 2)
		return 2;
	dir = argv[1];
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		wait_and_open("child.txt");
		_exit(0);
	}
	if (pthread_create(&th, NULL, thread_main, NULL) != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/ready", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	wait_and_open("main.txt");
	pthread_join(th, NULL);
	(void)waitpid(child, NULL, 0);
	return 0;
}
