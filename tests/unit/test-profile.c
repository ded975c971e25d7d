/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The profile model, its JSON form, merging, and the summarizer on synthetic events. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "basic/macro.h"
#include "profile/summarize.h"
#include "sdharden/profile.h"

#define STRV_MAKE(...) ((char *const *)(const char *const[]){ __VA_ARGS__, NULL })

static struct sdh_profile *sample(void)
{
	struct sdh_profile *p = sdh_profile_new();

	assert_non_null(p);
	assert_int_equal(sdh_profile_add_syscall(p, "read", 0, 10), 0);
	assert_int_equal(sdh_profile_add_syscall(p, "#460", 460, 1), 0);
	assert_int_equal(sdh_profile_add_syscall(p, "read", 0, 5), 0);
	assert_int_equal(sdh_profile_add_cap(p, 21, true, true, "mmap", 4), 0);
	assert_int_equal(sdh_profile_add_cap(p, 12, false, false, "bind", 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/etc/x", SDH_FILE_READ, 0, 2), 0);
	assert_int_equal(sdh_profile_add_file(p, "/etc/x", SDH_FILE_READ, ENOENT, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/etc/x", SDH_FILE_WRITE, 0, 1), 0);
	assert_int_equal(sdh_profile_add_exec(p, "/bin/sh", "/lib64/ld.so", 0, 1), 0);
	assert_int_equal(
		sdh_profile_add_exec_argv(p, "/bin/sh", STRV_MAKE("sh", "-c", "x y"), false), 0);
	assert_int_equal(sdh_profile_add_exec(p, "/bin/true", NULL, 0, 2), 0);
	assert_int_equal(sdh_profile_add_exec_argv(p, "/bin/true", NULL, false), 0);
	assert_int_equal(sdh_profile_add_exec_argv(p, "/bin/true", STRV_MAKE("true"), false), 0);
	assert_int_equal(sdh_profile_add_exec_argv(p, "/bin/true", STRV_MAKE("true", "x"), false),
			 0);
	assert_int_equal(
		sdh_profile_add_socket(p, "bind", "AF_INET", "SOCK_STREAM", "0.0.0.0", 80, 0, 1),
		0);
	assert_int_equal(sdh_profile_add_device(p, "/dev/null", 'c', 1, 3, "rw", 0, 1), 0);
	assert_int_equal(sdh_profile_add_event(p, "mount", "mount", "/", EPERM, 1), 0);
	p->meta.complete = true;
	p->meta.backend = strdup("bpf");
	sdh_profile_sort(p);
	return p;
}

static void test_profile__model(void **state)
{
	struct sdh_profile *p = sample();
	const struct sdh_profile_file *f;

	(void)state;
	assert_int_equal(p->n_syscalls, 2);
	assert_string_equal(p->syscalls[0].name, "#460"); /* sorted */
	assert_int_equal(sdh_profile_find_syscall(p, "read")->count, 15);
	assert_null(sdh_profile_find_syscall(p, "write"));
	assert_true(sdh_profile_find_cap(p, 12)->needed);
	assert_false(sdh_profile_find_cap(p, 21)->needed);
	assert_int_equal(sdh_profile_find_cap(p, 21)->routine, 4);
	f = sdh_profile_find_file(p, "/etc/x", SDH_FILE_READ);
	assert_non_null(f);
	assert_int_equal(f->ok, 2);
	assert_int_equal(f->failed, 1);
	assert_string_equal(f->error, "ENOENT");
	/* the same command line again keeps it; another one makes it unknown */
	assert_int_equal(
		sdh_profile_add_exec_argv(p, "/bin/sh", STRV_MAKE("sh", "-c", "x y"), false), 0);
	assert_string_equal(p->execs[0].path, "/bin/sh");
	assert_string_equal(p->execs[0].argv[2], "x y");
	assert_int_equal(sdh_profile_add_exec_argv(p, "/bin/sh", NULL, false), 0); /* unreadable */
	assert_string_equal(p->execs[0].argv[2], "x y");
	assert_int_equal(sdh_profile_add_exec_argv(p, "/bin/sh", STRV_MAKE("sh", "-c"), false), 0);
	assert_null(p->execs[0].argv);
	assert_true(p->execs[0].argv_unknown);
	assert_int_equal(sdh_profile_add_exec_argv(p, "/bin/none", STRV_MAKE("none"), false),
			 -ENOENT);
	/* adding after sorting still finds the existing record */
	assert_int_equal(sdh_profile_add_file(p, "/etc/x", SDH_FILE_READ, 0, 1), 0);
	assert_int_equal(p->n_files, 2);
	sdh_profile_free(p);
}

static void test_profile__json_roundtrip(void **state)
{
	struct sdh_profile *p = sample(), *q = NULL;
	cleanup_free char *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(sdh_profile_to_json(p, &a), 0);
	assert_non_null(strstr(a, "\"version\": 1"));
	assert_non_null(strstr(a, "\"CAP_NET_ADMIN\""));
	assert_int_equal(sdh_profile_parse(a, strlen(a), &q), 0);
	assert_int_equal(sdh_profile_to_json(q, &b), 0);
	assert_string_equal(a, b);
	assert_int_equal(q->devices[0].major, 1);
	assert_int_equal(q->devices[0].type, 'c');
	assert_true(q->meta.complete);
	assert_non_null(strstr(a, "\"x y\""));
	assert_non_null(strstr(a, "\"argv_unknown\": true"));
	sdh_profile_free(p);
	sdh_profile_free(q);
}

static void test_profile__parse_errors(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"version\": 2}",
		"{\"version\": \"1\"}",
		"{\"version\": 1} x",
		"{\"version\": 1, \"syscalls\": {}}",
		"{\"version\": 1, \"syscalls\": [{\"count\": 1}]}",
		"{\"version\": 1, \"syscalls\": [{\"name\": \"x\", \"count\": -1}]}",
		"{\"version\": 1, \"files\": [{\"path\": \"/x\", \"access\": \"eat\"}]}",
		"{\"version\": 1, \"capabilities\": [{\"number\": 64}]}",
		"{\"version\": 1, \"capabilities\": [{\"name\": \"CAP_NOPE\"}]}",
		"{\"version\": 1, \"devices\": [{\"path\": \"/d\", \"type\": \"x\", \"mode\": \"r\"}]}",
		"{\"version\": 1, \"meta\": {\"complete\": 1}}",
		"{\"version\": 1, \"exec\": [{\"path\": \"/x\", \"ok\": 1, \"failed\": 0, "
		"\"argv\": []}]}",
		"{\"version\": 1, \"exec\": [{\"path\": \"/x\", \"ok\": 1, \"failed\": 0, "
		"\"argv\": [1]}]}",
		"{\"version\": 1, \"exec\": [{\"path\": \"/x\", \"ok\": 1, \"failed\": 0, "
		"\"argv\": [\"x\"], \"argv_unknown\": true}]}",
	};
	struct sdh_profile *p = NULL;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(sdh_profile_parse(bad[i], strlen(bad[i]), &p), -EBADMSG);
	/* unknown keys are fine: later versions may add some */
	assert_int_equal(sdh_profile_parse("{\"version\": 1, \"future\": [1]}", 30, &p), 0);
	assert_int_equal(p->n_syscalls, 0);
	sdh_profile_free(p);
}

static void test_profile__merge(void **state)
{
	struct sdh_profile *a = sample(), *b = sdh_profile_new(), *m = sdh_profile_new();

	(void)state;
	assert_int_equal(sdh_profile_add_syscall(b, "write", 1, 3), 0);
	assert_int_equal(sdh_profile_add_syscall(b, "read", 0, 1), 0);
	assert_int_equal(sdh_profile_add_cap(b, 21, true, false, "mount", 1), 0);
	b->meta.complete = false;
	assert_int_equal(sdh_profile_merge(m, a), 0);
	assert_int_equal(sdh_profile_merge(m, b), 0);
	assert_int_equal(m->meta.merged, 2);
	assert_false(m->meta.complete);
	assert_string_equal(m->meta.backend, "merged");
	assert_int_equal(m->n_syscalls, 3);
	assert_int_equal(sdh_profile_find_syscall(m, "read")->count, 16);
	assert_true(sdh_profile_find_cap(m, 21)->needed);
	assert_int_equal(sdh_profile_find_cap(m, 21)->checked, 5);
	assert_string_equal(sdh_profile_find_cap(m, 21)->syscalls[0], "mount");
	assert_string_equal(sdh_profile_find_file(m, "/etc/x", SDH_FILE_READ)->error, "ENOENT");
	/* command lines: kept when every profile agrees */
	assert_string_equal(m->execs[0].path, "/bin/sh");
	assert_string_equal(m->execs[0].argv[1], "-c");
	assert_true(m->execs[1].argv_unknown);
	assert_int_equal(sdh_profile_add_exec(b, "/bin/sh", NULL, 0, 1), 0);
	assert_int_equal(sdh_profile_add_exec_argv(b, "/bin/sh", STRV_MAKE("sh"), false), 0);
	assert_int_equal(sdh_profile_merge(m, b), 0);
	assert_null(m->execs[0].argv);
	assert_true(m->execs[0].argv_unknown);
	sdh_profile_free(a);
	sdh_profile_free(b);
	sdh_profile_free(m);
}

static struct tev_event sc(pid_t pid, const char *name, int64_t ret)
{
	struct tev_event ev = { .type = TEV_SYSCALL, .pid = (uint32_t)pid, .tid = (uint32_t)pid };

	ev.nr = seccomp_syscall_resolve_name(name);
	ev.ret = ret;
	ev.counted = 1;
	return ev;
}

static void set_str(struct tev_event *ev, unsigned i, const char *s)
{
	snprintf(ev->str[i], TEV_STR_MAX, "%s", s);
	ev->len[i] = (uint32_t)strlen(s) + 1;
}

/* PIDs that are not running, so nothing comes from /proc. */
#define PID1 999990
#define PID2 999991

static void test_profile__summarize_paths(void **state)
{
	struct sdh_profile *p = sdh_profile_new();
	struct summarizer *s = NULL;
	struct tev_event ev;

	(void)state;
	assert_int_equal(summarizer_new(p, &s), 0);
	assert_int_equal(summarizer_add_process(s, PID1, "/home/u"), 0);

	/* relative to the cwd, with ".." */
	ev = sc(PID1, "openat", 3);
	ev.args[0] = (uint64_t)AT_FDCWD;
	ev.args[2] = O_RDONLY | O_DIRECTORY;
	set_str(&ev, 0, "../data/./");
	assert_int_equal(summarizer_add(s, &ev), 0);
	/* through that dirfd: create + write */
	ev = sc(PID1, "openat", 4);
	ev.args[0] = 3;
	ev.args[2] = O_WRONLY | O_CREAT;
	set_str(&ev, 0, "out.txt");
	assert_int_equal(summarizer_add(s, &ev), 0);
	/* chdir, then a child inherits the cwd and the fd table */
	ev = sc(PID1, "chdir", 0);
	set_str(&ev, 0, "/srv");
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = (struct tev_event){ .type = TEV_FORK, .pid = PID1, .child = PID2 };
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = sc(PID2, "unlinkat", -ENOENT);
	ev.args[0] = 3;
	set_str(&ev, 0, "gone");
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = sc(PID2, "mkdir", 0);
	set_str(&ev, 0, "new");
	assert_int_equal(summarizer_add(s, &ev), 0);
	/* an unreadable string is not taken for the directory */
	ev = sc(PID2, "open", -EFAULT);
	ev.args[1] = O_RDONLY;
	assert_int_equal(summarizer_add(s, &ev), 0);
	sdh_profile_sort(p);

	assert_non_null(sdh_profile_find_file(p, "/home/data", SDH_FILE_READ));
	assert_non_null(sdh_profile_find_file(p, "/home/data/out.txt", SDH_FILE_CREATE));
	assert_non_null(sdh_profile_find_file(p, "/home/data/out.txt", SDH_FILE_WRITE));
	assert_null(sdh_profile_find_file(p, "/home/data/out.txt", SDH_FILE_READ));
	assert_string_equal(sdh_profile_find_file(p, "/home/data/gone", SDH_FILE_DELETE)->error,
			    "ENOENT");
	assert_non_null(sdh_profile_find_file(p, "/srv/new", SDH_FILE_MKDIR));
	assert_non_null(sdh_profile_find_file(p, "(unreadable)", SDH_FILE_READ));
	assert_int_equal(p->meta.processes, 2);
	assert_int_equal(sdh_profile_find_syscall(p, "openat")->count, 2);
	summarizer_free(s);
	sdh_profile_free(p);
}

static void test_profile__summarize_sockets_events(void **state)
{
	struct sdh_profile *p = sdh_profile_new();
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(8443) };
	struct summarizer *s = NULL;
	struct tev_event ev;

	(void)state;
	assert_int_equal(summarizer_new(p, &s), 0);
	assert_int_equal(summarizer_add_process(s, PID1, "/"), 0);
	ev = sc(PID1, "socket", 5);
	ev.args[0] = AF_INET6;
	ev.args[1] = SOCK_STREAM | SOCK_CLOEXEC;
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = sc(PID1, "bind", 0);
	ev.args[0] = 5;
	sin6.sin6_addr = in6addr_loopback;
	memcpy(ev.str[0], &sin6, sizeof(sin6));
	ev.len[0] = sizeof(sin6);
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = sc(PID1, "listen", 0);
	ev.args[0] = 5;
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = sc(PID1, "unshare", -EPERM);
	ev.args[0] = CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_FILES;
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = sc(PID1, "kill", 0);
	ev.args[0] = PID2; /* not in the tree */
	ev.args[1] = 15;
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = sc(PID1, "kill", 0);
	ev.args[0] = PID1; /* itself */
	ev.args[1] = 15;
	assert_int_equal(summarizer_add(s, &ev), 0);
	ev = (struct tev_event){ .type = TEV_CAP,
				 .nr = seccomp_syscall_resolve_name("brk"),
				 .cap = 21,
				 .status = 1,
				 .count = 7 };
	assert_int_equal(summarizer_add(s, &ev), 0);
	sdh_profile_sort(p);

	assert_int_equal(p->n_sockets, 3);
	assert_string_equal(p->sockets[0].op, "bind");
	assert_string_equal(p->sockets[0].family, "AF_INET6");
	assert_string_equal(p->sockets[0].type, "SOCK_STREAM");
	assert_string_equal(p->sockets[0].address, "::1");
	assert_int_equal(p->sockets[0].port, 8443);
	assert_string_equal(p->sockets[1].op, "listen");
	assert_int_equal(p->sockets[1].port, 8443);
	assert_int_equal(p->n_events, 2);
	assert_string_equal(p->events[0].kind, "namespace");
	assert_string_equal(p->events[0].detail, "CLONE_NEWNET|CLONE_NEWCGROUP");
	assert_int_equal(p->events[0].failed, 1);
	assert_string_equal(p->events[1].kind, "signal-foreign");
	assert_string_equal(p->events[1].detail, "SIGTERM to a process");
	assert_false(sdh_profile_find_cap(p, 21)->needed);
	summarizer_free(s);
	sdh_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile__model),
		cmocka_unit_test(test_profile__json_roundtrip),
		cmocka_unit_test(test_profile__parse_errors),
		cmocka_unit_test(test_profile__merge),
		cmocka_unit_test(test_profile__summarize_paths),
		cmocka_unit_test(test_profile__summarize_sockets_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
