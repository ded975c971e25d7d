/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Does one of everything `sdharden profile` records, harmlessly, so that tests can check each
 * category with each back end:  profile-exercise DIR [FOREIGN_PID]
 *
 * Privileged calls are made so that they either do nothing lasting (in a child with its own
 * UTS and mount namespaces) or fail by design (bad fd, bad magic): a failed call is recorded
 * too.  Exit status 0 unless the exercise itself could not be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void in_child(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
}

/* In new UTS + mount namespaces: hostname, mount, /proc/sys write, realtime, all undone. */
static void namespaced(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	int fd;

	if (unshare(CLONE_NEWUTS | CLONE_NEWNS) < 0)
		return;
	(void)sethostname("sdh-exercise", 12);
	(void)mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, "sdh-exercise2", 13);
		close(fd);
	}
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)setns(fd, CLONE_NEWUTS);
		close(fd);
	}
	(void)sched_setscheduler(0, SCHED_FIFO, &sp);
}

static void exec_true(void)
{
	char *argv[] = { "true", NULL };

	execv("/bin/true", argv);
}

static char script[4096];

static void exec_script(void)
{
	char *argv[] = { script, NULL };

	execv(script, argv);
}

int main(int argc, char *argv[])
{
	char path[4096];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct perf_event_attr pa = { 0 };
	socklen_t sl = sizeof(sin);
	int dfd, fd, s1, s2, s3;
	void *m;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [FOREIGN_PID]\n", argv[0]);
		return 2;
	}
	/* files, through a dirfd and through the cwd */
	snprintf(path, sizeof(path), "%s/sub", argv[1]);
	if (mkdir(path, 0755) < 0)
		return 1;
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = openat(dfd, "sub/new.txt", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (dfd < 0 || fd < 0)
		return 1;
	(void)!write(fd, "x\n", 2);
	close(fd);
	if (chdir(path) < 0)
		return 1;
	fd = open("new.txt", O_RDONLY | O_CLOEXEC);
	close(fd);
	(void)chmod("new.txt", 04755);
	(void)chown("new.txt", getuid(), getgid());
	(void)unlink("new.txt");
	(void)open("/nonexistent-sdh-exercise", O_RDONLY | O_CLOEXEC);
	(void)open("/sys/kernel/sdh-exercise", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	/* devices */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	close(fd);

	/* exec: a binary and a script */
	in_child(exec_true);
	snprintf(script, sizeof(script), "%s/script.sh", argv[1]);
	fd = open(script, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0755);
	(void)!write(fd, "#!/bin/sh\nexit 0\n", 17);
	close(fd);
	in_child(exec_script);

	/* sockets: TCP listen + connect on loopback, a privileged port, a unix socket */
	s1 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)bind(s1, (struct sockaddr *)&sin, sizeof(sin));
	(void)listen(s1, 1);
	(void)getsockname(s1, (struct sockaddr *)&sin, &sl);
	s2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	(void)connect(s2, (struct sockaddr *)&sin, sizeof(sin));
	close(s2);
	close(s1);
	s3 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sin.sin_port = htons(1);
	(void)bind(s3, (struct sockaddr *)&sin, sizeof(sin));
	close(s3);
	s3 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", argv[1]);
	(void)bind(s3, (struct sockaddr *)&sun, sizeof(sun));
	close(s3);

	/* namespaces, hostname, mount, realtime, /proc/sys */
	in_child(namespaced);

	/* the rest: calls that change nothing (a query, a bad fd, a bad magic) */
	(void)personality(PER_LINUX);
	(void)setgid(getgid());
	(void)setuid(getuid());
	(void)syscall(SYS_finit_module, -1, "", 0);
	(void)syscall(SYS_delete_module, "sdh_no_such_module", O_NONBLOCK);
	(void)syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL);
	(void)syscall(SYS_reboot, 0, 0, 0, NULL);
	(void)syscall(SYS_settimeofday, NULL, NULL);
	(void)klogctl(10, NULL, 0);
	(void)syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
	(void)ptrace(PTRACE_PEEKUSER, 1, NULL, NULL);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	if (m != MAP_FAILED) {
		(void)mprotect(m, 4096, PROT_READ | PROT_EXEC);
		(void)mlock(m, 4096);
		(void)munlock(m, 4096);
		munmap(m, 4096);
	}
	(void)syscall(SYS_bpf, 9999, NULL, 0);
	(void)syscall(SYS_perf_event_open, &pa, 0, -1, -1, 0);
	if (argc > 2)
		(void)kill(atoi(argv[2]), SIGCONT);
	return 0;
}
