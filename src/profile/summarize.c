/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "profile/summarize.h"
#include "profile/tracer.h"
#include "sdharden/kb.h"

/* File descriptors beyond this are not tracked (their paths resolve through /proc instead). */
#define FD_TRACK_MAX 65536

struct fdent {
	char *path; /* file or directory */
	int family; /* socket: > 0 */
	int type;
	char *address; /* bound address */
	unsigned port;
};

struct proc {
	pid_t pid;
	char *cwd;
	struct fdent *fds;
	size_t n_fds;
};

struct summarizer;
typedef int (*handler_t)(struct summarizer *s, struct proc *p, const struct tev_event *ev,
			 const char *name, int err);

struct summarizer {
	struct sdh_profile *profile;
	struct proc *procs; /* live processes */
	size_t n_procs;
	pid_t *tree; /* every process of the traced tree, ever (for "foreign" signals) */
	size_t n_tree;
	handler_t handlers[TEV_NR_MAX];
};

static void fdent_release(struct fdent *f)
{
	free(f->path);
	free(f->address);
	*f = (struct fdent){ 0 };
}

static void proc_release(struct proc *p)
{
	for (size_t i = 0; i < p->n_fds; i++)
		fdent_release(&p->fds[i]);
	free(p->fds);
	free(p->cwd);
}

static struct proc *proc_find(struct summarizer *s, pid_t pid)
{
	for (size_t i = s->n_procs; i > 0; i--)
		if (s->procs[i - 1].pid == pid)
			return &s->procs[i - 1];
	return NULL;
}

static bool in_tree(struct summarizer *s, pid_t pid)
{
	for (size_t i = 0; i < s->n_tree; i++)
		if (s->tree[i] == pid)
			return true;
	return false;
}

static char *proc_readlink(pid_t pid, const char *what)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = 0;
	return strdup(buf);
}

static struct proc *proc_add(struct summarizer *s, pid_t pid, const char *cwd)
{
	struct proc *procs, *p;
	pid_t *tree;

	if ((p = proc_find(s, pid)))
		return p;
	procs = realloc(s->procs, (s->n_procs + 1) * sizeof(*procs));
	if (!procs)
		return NULL;
	s->procs = procs;
	if (!in_tree(s, pid)) {
		tree = realloc(s->tree, (s->n_tree + 1) * sizeof(*tree));
		if (!tree)
			return NULL;
		s->tree = tree;
		s->tree[s->n_tree++] = pid;
		s->profile->meta.processes++;
	}
	p = &s->procs[s->n_procs++];
	*p = (struct proc){ .pid = pid };
	p->cwd = cwd ? strdup(cwd) : proc_readlink(pid, "cwd");
	return p;
}

static void proc_remove(struct summarizer *s, pid_t pid)
{
	struct proc *p = proc_find(s, pid);

	if (!p)
		return;
	proc_release(p);
	*p = s->procs[--s->n_procs];
}

static struct fdent *fd_slot(struct proc *p, long fd)
{
	struct fdent *n;

	if (fd < 0 || fd >= FD_TRACK_MAX)
		return NULL;
	if ((size_t)fd >= p->n_fds) {
		size_t want = MAX((size_t)fd + 1, p->n_fds * 2);

		n = realloc(p->fds, want * sizeof(*n));
		if (!n)
			return NULL;
		memset(n + p->n_fds, 0, (want - p->n_fds) * sizeof(*n));
		p->fds = n;
		p->n_fds = want;
	}
	return &p->fds[fd];
}

static const struct fdent *fd_get(const struct proc *p, long fd)
{
	return fd >= 0 && (size_t)fd < p->n_fds ? &p->fds[fd] : NULL;
}

/* Lexical normalisation: "//", "/./", "x/.." and a trailing '/' go; symlinks are not followed. */
static char *path_normalize(char *p)
{
	char *w = p, *s = p;

	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		if (s[0] == '.' && (s[1] == '/' || !s[1])) {
			s++;
			continue;
		}
		if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2])) {
			while (w > p && *--w != '/')
				;
			s += 2;
			continue;
		}
		*w++ = '/';
		while (*s && *s != '/')
			*w++ = *s++;
	}
	if (w == p)
		*w++ = '/';
	*w = 0;
	return p;
}

/* The directory DIRFD stands for in process P: cwd, a tracked fd, else /proc. */
static char *dir_of(struct proc *p, int dirfd)
{
	const struct fdent *f;
	char what[32];

	if (dirfd == AT_FDCWD) {
		if (!p->cwd)
			p->cwd = proc_readlink(p->pid, "cwd");
		return p->cwd ? strdup(p->cwd) : NULL;
	}
	f = fd_get(p, dirfd);
	if (f && f->path)
		return strdup(f->path);
	snprintf(what, sizeof(what), "fd/%d", dirfd);
	return proc_readlink(p->pid, what);
}

/*
 * The absolute path of (DIRFD, PATH) as P sees it.  An empty PATH means DIRFD itself
 * (AT_EMPTY_PATH).  When the directory is unknown the relative path is returned as it is.
 */
static char *resolve(struct proc *p, int dirfd, const char *path)
{
	cleanup_free char *dir = NULL;
	char *r;

	if (streq(path, "(unreadable)"))
		return strdup(path);
	if (path_is_absolute(path)) {
		r = strdup(path);
		return r ? path_normalize(r) : NULL;
	}
	dir = dir_of(p, dirfd);
	if (!dir)
		return strdup(path);
	r = isempty(path) ? TAKE_PTR(dir) : path_join(dir, path);
	return r ? path_normalize(r) : NULL;
}

static const char *ev_str(const struct tev_event *ev, unsigned i)
{
	/*
	 * The back ends NUL-terminate.  len 0 means the tracee's memory could not be read (an
	 * empty string has len 1): say so rather than resolve "" to the directory.
	 */
	return ev->len[i] ? ev->str[i] : "(unreadable)";
}

static const char *family_name(int family, char buf[static 16])
{
	size_t n;
	const struct sdh_address_family *t = sdh_address_family_table(&n);

	for (size_t i = 0; i < n; i++)
		if ((int)t[i].number == family && !t[i].alias_of)
			return t[i].name;
	snprintf(buf, 16, "AF_#%d", family);
	return buf;
}

static const char *type_name(int type)
{
	switch (type & 0xf) {
	case SOCK_STREAM: return "SOCK_STREAM";
	case SOCK_DGRAM: return "SOCK_DGRAM";
	case SOCK_RAW: return "SOCK_RAW";
	case SOCK_RDM: return "SOCK_RDM";
	case SOCK_SEQPACKET: return "SOCK_SEQPACKET";
	case SOCK_PACKET: return "SOCK_PACKET";
	default: return "";
	}
}

/* Decode a sockaddr copied from the tracee: family, address text, port. */
static int sockaddr_decode(const struct tev_event *ev, int *family, char *addr, size_t addrlen,
			   unsigned *port)
{
	const unsigned char *b = (const unsigned char *)ev->str[0];
	size_t len = MIN((size_t)ev->len[0], (size_t)TEV_STR_MAX);
	sa_family_t fam;

	*port = 0;
	addr[0] = 0;
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	memcpy(&fam, b, sizeof(fam));
	*family = fam;
	if (fam == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, b, sizeof(sin));
		*port = ntohs(sin.sin_port);
		inet_ntop(AF_INET, &sin.sin_addr, addr, addrlen);
	} else if (fam == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, b, sizeof(sin6));
		*port = ntohs(sin6.sin6_port);
		inet_ntop(AF_INET6, &sin6.sin6_addr, addr, addrlen);
	} else if (fam == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path)) {
		const char *path = (const char *)b + offsetof(struct sockaddr_un, sun_path);
		size_t n = len - offsetof(struct sockaddr_un, sun_path);

		if (path[0] ==
		    0) /* abstract: the name is the rest, NULs and all; print up to one */
			snprintf(addr, addrlen, "@%.*s", (int)strnlen(path + 1, n - 1), path + 1);
		else
			snprintf(addr, addrlen, "%.*s", (int)strnlen(path, n), path);
	} else if (fam == AF_NETLINK && len >= sizeof(struct sockaddr_nl)) {
		struct sockaddr_nl nl;

		memcpy(&nl, b, sizeof(nl));
		snprintf(addr, addrlen, "groups=0x%x", nl.nl_groups);
	}
	return 0;
}

static int add_file_checked(struct summarizer *s, struct proc *p, const char *path,
			    enum sdh_file_access a, int err, const char *syscall)
{
	struct sdh_profile *pr = s->profile;
	int r = sdh_profile_add_file(pr, path, a, err, 1);

	(void)p;
	if (r < 0 || a == SDH_FILE_READ || a == SDH_FILE_EXEC)
		return r;
	/* Kernel tunables: what ProtectKernelTunables= would make read-only. */
	if (path_startswith(path, "/proc/sys"))
		return sdh_profile_add_event(pr, "proc-sys-write", syscall, path, err, 1);
	if (path_startswith(path, "/sys"))
		return sdh_profile_add_event(pr, "sys-write", syscall, path, err, 1);
	return 0;
}

/* stat PATH as process P sees it (its root), falling back to our own view. */
static int stat_as(struct proc *p, const char *path, struct stat *st)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "/proc/%d/root%s", (int)p->pid, path);
	if (path_is_absolute(path) && stat(buf, st) == 0)
		return 0;
	return stat(path, st) == 0 ? 0 : -errno;
}

static int on_open(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		   const char *name, int err)
{
	cleanup_free char *path = NULL;
	int dirfd = AT_FDCWD, r = 0;
	const char *rel = ev_str(ev, 0);
	uint64_t flags;
	bool rd, wr, cr;
	struct stat st;

	if (streq(name, "creat"))
		flags = O_CREAT | O_WRONLY | O_TRUNC;
	else if (streq(name, "open"))
		flags = ev->args[1];
	else if (streq(name, "openat2")) {
		memcpy(&flags, ev->mem, sizeof(flags)); /* struct open_how: flags first */
		dirfd = (int)ev->args[0];
	} else {
		flags = ev->args[2];
		dirfd = (int)ev->args[0];
	}
	path = resolve(p, dirfd, rel);
	if (!path)
		return -ENOMEM;

	if (!err) {
		struct fdent *f = fd_slot(p, ev->ret);

		if (f) {
			fdent_release(f);
			f->path = strdup(path);
		}
	}
	if (flags & O_PATH)
		return 0; /* a handle, no access: only kept for the *at() calls using it */
	rd = (flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR;
	wr = (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR || (flags & O_TRUNC);
	cr = (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE;
	if ((rd && (r = add_file_checked(s, p, path, SDH_FILE_READ, err, name)) < 0) ||
	    (wr && (r = add_file_checked(s, p, path, SDH_FILE_WRITE, err, name)) < 0) ||
	    (cr && (r = add_file_checked(s, p, path, SDH_FILE_CREATE, err, name)) < 0))
		return r;

	if (rd && (streq(path, "/dev/kmsg") || streq(path, "/proc/kmsg")) &&
	    (r = sdh_profile_add_event(s->profile, "kernel-log", name, path, err, 1)) < 0)
		return r;
	/* Device nodes live under /dev: stat only there, it is the costly part of an open. */
	if (path_startswith(path, "/dev") && stat_as(p, path, &st) == 0 &&
	    (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		r = sdh_profile_add_device(s->profile, path, S_ISCHR(st.st_mode) ? 'c' : 'b',
					   major(st.st_rdev), minor(st.st_rdev),
					   rd && wr ? "rw"
					   : wr     ? "w"
						    : "r",
					   err, 1);
	else if (err && path_startswith(path, "/dev"))
		/* A device that is not there (or hidden by PrivateDevices=) was still wanted. */
		r = sdh_profile_add_device(s->profile, path, 0, 0, 0,
					   rd && wr ? "rw"
					   : wr     ? "w"
						    : "r",
					   err, 1);
	return r;
}

/* (dirfd arg index or -1, path string index) -> one access. */
static int path_op(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		   const char *name, int err, int dirfd_arg, unsigned str, enum sdh_file_access a)
{
	cleanup_free char *path = NULL;

	path = resolve(p, dirfd_arg < 0 ? AT_FDCWD : (int)ev->args[dirfd_arg], ev_str(ev, str));
	if (!path)
		return -ENOMEM;
	return add_file_checked(s, p, path, a, err, name);
}

static int on_unlink(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		     const char *name, int err)
{
	return path_op(s, p, ev, name, err, streq(name, "unlinkat") ? 0 : -1, 0, SDH_FILE_DELETE);
}

static int on_mkdir(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		    const char *name, int err)
{
	return path_op(s, p, ev, name, err, streq(name, "mkdirat") ? 0 : -1, 0, SDH_FILE_MKDIR);
}

static int on_truncate(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		       const char *name, int err)
{
	return path_op(s, p, ev, name, err, -1, 0, SDH_FILE_WRITE);
}

static int on_mknod(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		    const char *name, int err)
{
	return path_op(s, p, ev, name, err, streq(name, "mknodat") ? 0 : -1, 0, SDH_FILE_CREATE);
}

static int on_rename_link(struct summarizer *s, struct proc *p, const struct tev_event *ev,
			  const char *name, int err)
{
	bool at = endswith(name, "at") || streq(name, "renameat2");
	int r = 0;

	if (startswith(name, "rename"))
		r = path_op(s, p, ev, name, err, at ? 0 : -1, 0, SDH_FILE_DELETE);
	if (r < 0)
		return r;
	if (streq(name, "symlinkat")) /* (target, newdirfd, linkpath): target is just text */
		return path_op(s, p, ev, name, err, 1, 1, SDH_FILE_CREATE);
	if (streq(name, "symlink"))
		return path_op(s, p, ev, name, err, -1, 1, SDH_FILE_CREATE);
	return path_op(s, p, ev, name, err, at ? 2 : -1, 1, SDH_FILE_CREATE);
}

/* chmod/chown family: (dirfd?, path) or an fd. */
static char *target_of(struct proc *p, const struct tev_event *ev, const char *name)
{
	if (startswith(name, "f") && !endswith(name, "at") && !endswith(name, "at2")) {
		const struct fdent *f = fd_get(p, (long)ev->args[0]);
		char what[32];

		if (f && f->path)
			return strdup(f->path);
		snprintf(what, sizeof(what), "fd/%d", (int)ev->args[0]);
		return proc_readlink(p->pid, what);
	}
	if (startswith(name, "f")) /* fchmodat, fchownat: empty path = the fd (AT_EMPTY_PATH) */
		return resolve(p, (int)ev->args[0], ev_str(ev, 0));
	return resolve(p, AT_FDCWD, ev_str(ev, 0));
}

static int on_chmod(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		    const char *name, int err)
{
	cleanup_free char *path = target_of(p, ev, name);
	bool at = startswith(name, "fchmodat") != NULL;
	unsigned mode = (unsigned)ev->args[at ? 2 : 1];
	char detail[4200];
	int r;

	if (!path)
		return 0;
	r = add_file_checked(s, p, path, SDH_FILE_CHMOD, err, name);
	if (r < 0 || !(mode & (S_ISUID | S_ISGID)))
		return r;
	snprintf(detail, sizeof(detail), "%s %04o", path, mode & 07777);
	return sdh_profile_add_event(s->profile, "suid-bit", name, detail, err, 1);
}

static int on_chown(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		    const char *name, int err)
{
	cleanup_free char *path = target_of(p, ev, name);

	return path ? add_file_checked(s, p, path, SDH_FILE_CHOWN, err, name) : 0;
}

/* "#!" interpreter or ELF PT_INTERP of the executed file. */
static char *interpreter_of(struct proc *p, const char *path)
{
	char buf[4096], hdr[256];
	cleanup_fd int fd = -1;
	ssize_t n;

	snprintf(buf, sizeof(buf), "/proc/%d/root%s", (int)p->pid, path);
	fd = open(buf, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	n = pread(fd, hdr, sizeof(hdr) - 1, 0);
	if (n < 4)
		return NULL;
	hdr[n] = 0;
	if (hdr[0] == '#' && hdr[1] == '!') {
		char *b = hdr + 2 + strspn(hdr + 2, " \t");

		return strndup(b, strcspn(b, " \t\n"));
	}
	if (n >= (ssize_t)sizeof(Elf64_Ehdr) && !memcmp(hdr, ELFMAG, SELFMAG) &&
	    hdr[EI_CLASS] == ELFCLASS64) {
		Elf64_Ehdr eh;

		memcpy(&eh, hdr, sizeof(eh));
		for (unsigned i = 0; i < eh.e_phnum && i < 64; i++) {
			Elf64_Phdr ph;

			if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * eh.e_phentsize)) !=
			    sizeof(ph))
				return NULL;
			if (ph.p_type == PT_INTERP && ph.p_filesz > 1 &&
			    ph.p_filesz < sizeof(buf)) {
				if (pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) !=
				    (ssize_t)ph.p_filesz)
					return NULL;
				buf[ph.p_filesz - 1] = 0;
				return strdup(buf);
			}
		}
	}
	return NULL;
}

static bool same_file_name(const char *exe, const char *path)
{
	cleanup_free char *real = NULL;

	if (!exe || !path)
		return false;
	if (streq(exe, path))
		return true;
	real = realpath(path, NULL);
	return real && streq(real, exe);
}

/*
 * The command line PID runs with, if it still runs PATH (or its INTERP): /proc/PID/exe is the
 * same before and after /proc/PID/cmdline is read.  NULL when it cannot be told (the process
 * has gone or moved on to another program).
 */
static char **proc_argv(pid_t pid, const char *path, const char *interp)
{
	cleanup_free char *exe = proc_readlink(pid, "exe"), *again = NULL, *text = NULL;
	cleanup_strv char **argv = NULL;
	char name[64];
	size_t n = 0;

	if (!same_file_name(exe, path) && !same_file_name(exe, interp))
		return NULL;
	(void)snprintf(name, sizeof(name), "/proc/%d/cmdline", (int)pid);
	if (read_full_file_at(AT_FDCWD, name, 1U << 20, &text, &n) < 0 || n == 0 || text[n - 1])
		return NULL;
	again = proc_readlink(pid, "exe");
	if (!streq_ptr(exe, again))
		return NULL;
	for (size_t i = 0; i < n; i += strlen(text + i) + 1)
		if (strv_extend(&argv, text + i) < 0)
			return NULL;
	return TAKE_PTR(argv);
}

static int on_exec(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		   const char *name, int err)
{
	cleanup_free char *path = NULL, *interp = NULL;
	bool at = streq(name, "execveat");
	int r;

	path = resolve(p, at ? (int)ev->args[0] : AT_FDCWD, ev_str(ev, 0));
	if (!path)
		return -ENOMEM;
	if (!err)
		interp = interpreter_of(p, path);
	r = sdh_profile_add_exec(s->profile, path, interp, err, 1);
	if (r >= 0 && !err) {
		cleanup_strv char **argv = proc_argv(p->pid, path, interp);

		r = sdh_profile_add_exec_argv(s->profile, path, argv, false);
	}
	if (r >= 0)
		r = sdh_profile_add_file(s->profile, path, SDH_FILE_EXEC, err, 1);
	return r;
}

static int on_chdir(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		    const char *name, int err)
{
	char *dir;

	(void)s;
	if (err)
		return 0;
	if (streq(name, "fchdir")) {
		const struct fdent *f = fd_get(p, (long)ev->args[0]);

		dir = f && f->path ? strdup(f->path) : proc_readlink(p->pid, "cwd");
	} else
		dir = resolve(p, AT_FDCWD, ev_str(ev, 0));
	if (dir && path_is_absolute(dir)) {
		free(p->cwd);
		p->cwd = dir;
	} else
		free(dir);
	return 0;
}

static int on_dup(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		  const char *name, int err)
{
	const struct fdent *from;
	struct fdent copy = { 0 }, *to;

	(void)s;
	(void)name;
	if (err || (long)ev->args[0] == (long)ev->args[1])
		return 0;
	from = fd_get(p, (long)ev->args[0]);
	if (from) {
		copy = *from;
		copy.path = from->path ? strdup(from->path) : NULL;
		copy.address = from->address ? strdup(from->address) : NULL;
	}
	to = fd_slot(p, (long)ev->args[1]);
	if (!to) {
		fdent_release(&copy);
		return 0;
	}
	fdent_release(to);
	*to = copy;
	return 0;
}

static int on_socket(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		     const char *name, int err)
{
	char fb[16];
	int family = (int)ev->args[0], type = (int)ev->args[1];

	(void)name;
	if (!err) {
		struct fdent *f = fd_slot(p, ev->ret);

		if (f) {
			fdent_release(f);
			f->family = family;
			f->type = type;
		}
	}
	return sdh_profile_add_socket(s->profile, "socket", family_name(family, fb),
				      type_name(type), "", 0, err, 1);
}

static int on_bind_connect(struct summarizer *s, struct proc *p, const struct tev_event *ev,
			   const char *name, int err)
{
	struct fdent *f = fd_slot(p, (long)ev->args[0]);
	char addr[TEV_STR_MAX + 2], fb[16];
	unsigned port;
	int family;

	if (sockaddr_decode(ev, &family, addr, sizeof(addr), &port) < 0)
		return 0;
	if (family == AF_UNSPEC)
		return 0; /* connect(AF_UNSPEC) dissolves an association */
	if (!err && f && streq(name, "bind")) {
		free(f->address);
		f->address = strdup(addr);
		f->port = port;
		if (!f->family)
			f->family = family;
	}
	return sdh_profile_add_socket(s->profile, name, family_name(family, fb),
				      f && f->family == family ? type_name(f->type) : "", addr,
				      port, err, 1);
}

static int on_listen(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		     const char *name, int err)
{
	const struct fdent *f = fd_get(p, (long)ev->args[0]);
	char fb[16];

	if (!f || !f->family)
		return sdh_profile_add_socket(s->profile, name, "", "", "", 0, err, 1);
	return sdh_profile_add_socket(s->profile, name, family_name(f->family, fb),
				      type_name(f->type), strempty(f->address), f->port, err, 1);
}

static void flag_names(uint64_t flags, char *buf, size_t size)
{
	static const struct {
		uint64_t flag;
		const char *name;
	} ns[] = {
		{ CLONE_NEWNS, "CLONE_NEWNS" },         { CLONE_NEWUTS, "CLONE_NEWUTS" },
		{ CLONE_NEWIPC, "CLONE_NEWIPC" },       { CLONE_NEWUSER, "CLONE_NEWUSER" },
		{ CLONE_NEWPID, "CLONE_NEWPID" },       { CLONE_NEWNET, "CLONE_NEWNET" },
		{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP" }, { CLONE_NEWTIME, "CLONE_NEWTIME" },
	};
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < ELEMENTSOF(ns); i++)
		if (flags & ns[i].flag)
			o += (size_t)snprintf(buf + o, size > o ? size - o : 0, "%s%s",
					      o ? "|" : "", ns[i].name);
}

#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

static int on_namespace(struct summarizer *s, struct proc *p, const struct tev_event *ev,
			const char *name, int err)
{
	uint64_t flags;
	char detail[160];

	(void)p;
	if (streq(name, "clone"))
		flags = ev->args[0] & NS_FLAGS; /* CLONE_NEWTIME's bit is the exit signal here */
	else if (streq(name, "clone3")) {
		memcpy(&flags, ev->mem, sizeof(flags));
		flags &= NS_FLAGS | CLONE_NEWTIME;
	} else if (streq(name, "unshare"))
		flags = ev->args[0] & (NS_FLAGS | CLONE_NEWTIME);
	else { /* setns: nstype 0 = any */
		flags = ev->args[1] & (NS_FLAGS | CLONE_NEWTIME);
		flag_names(flags, detail, sizeof(detail));
		return sdh_profile_add_event(s->profile, "namespace", name, flags ? detail : "any",
					     err, 1);
	}
	if (!flags)
		return 0;
	flag_names(flags, detail, sizeof(detail));
	return sdh_profile_add_event(s->profile, "namespace", name, detail, err, 1);
}

static int event_fmt(struct summarizer *s, const char *kind, const char *syscall, int err,
		     const char *fmt, ...) printf_attr(5, 6);
static int event_fmt(struct summarizer *s, const char *kind, const char *syscall, int err,
		     const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return sdh_profile_add_event(s->profile, kind, syscall, detail, err, 1);
}

static int on_misc(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		   const char *name, int err)
{
	const uint64_t *a = ev->args;
	uint32_t u32;

	if (streq(name, "personality"))
		return (uint32_t)a[0] == 0xffffffffU
			       ? 0 /* a query */
			       : event_fmt(s, "personality", name, err, "0x%x", (unsigned)a[0]);
	if (streq(name, "sched_setscheduler") || streq(name, "sched_setattr")) {
		int policy = (int)a[1];

		if (streq(name, "sched_setattr")) { /* struct sched_attr: size, sched_policy */
			memcpy(&u32, ev->mem + 4, sizeof(u32));
			policy = (int)u32;
		}
		policy &= ~SCHED_RESET_ON_FORK;
		if (policy != SCHED_FIFO && policy != SCHED_RR)
			return 0;
		return event_fmt(s, "realtime", name, err, "%s",
				 policy == SCHED_FIFO ? "SCHED_FIFO" : "SCHED_RR");
	}
	if (strstr(name, "uid"))
		return event_fmt(s, "setuid", name, err, "%d", (int)a[0]);
	if (strstr(name, "gid") || streq(name, "setgroups"))
		return event_fmt(s, "setgid", name, err,
				 streq(name, "setgroups") ? "%d groups" : "%d", (int)a[0]);
	if (streq(name, "mount") || streq(name, "pivot_root"))
		return event_fmt(s, "mount", name, err, "%s", ev_str(ev, 1));
	if (streq(name, "umount2") || streq(name, "fsopen") || streq(name, "open_tree") ||
	    streq(name, "mount_setattr"))
		return event_fmt(s, "mount", name, err, "%s", ev_str(ev, 0));
	if (streq(name, "move_mount"))
		return event_fmt(s, "mount", name, err, "%s", ev_str(ev, 1));
	if (streq(name, "fsmount"))
		return event_fmt(s, "mount", name, err, "%s", "");
	if (endswith(name, "_module"))
		return event_fmt(s, "module", name, err, "%s",
				 streq(name, "delete_module") ? ev_str(ev, 0) : "");
	if (startswith(name, "kexec_"))
		return event_fmt(s, "kexec", name, err, "%s", "");
	if (streq(name, "reboot"))
		return event_fmt(s, "reboot", name, err, "0x%x", (unsigned)a[2]);
	if (streq(name, "settimeofday") || streq(name, "clock_settime"))
		return event_fmt(s, "clock", name, err, "%s", "");
	if (streq(name, "adjtimex") || streq(name, "clock_adjtime")) {
		memcpy(&u32, ev->mem, sizeof(u32)); /* struct timex.modes: 0 only reads */
		return u32 ? event_fmt(s, "clock", name, err, "modes=0x%x", u32) : 0;
	}
	if (streq(name, "sethostname") || streq(name, "setdomainname"))
		return event_fmt(s, "hostname", name, err, "%s", ev_str(ev, 0));
	if (streq(name, "syslog"))
		return event_fmt(s, "kernel-log", name, err, "type %d", (int)a[0]);
	if (streq(name, "add_key") || streq(name, "request_key"))
		return event_fmt(s, "keyring", name, err, "%s", ev_str(ev, 0));
	if (streq(name, "keyctl"))
		return event_fmt(s, "keyring", name, err, "op %d", (int)a[0]);
	if (streq(name, "ptrace"))
		return event_fmt(s, "ptrace", name, err, "request %d", (int)a[0]);
	if (startswith(name, "mlock"))
		return event_fmt(s, "mlock", name, err, "%s", "");
	if (streq(name, "bpf"))
		return event_fmt(s, "bpf", name, err, "cmd %d", (int)a[0]);
	if (streq(name, "perf_event_open"))
		return event_fmt(s, "perf", name, err, "%s", "");
	if (streq(name, "mmap")) {
		if ((a[2] & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC))
			return 0;
		return event_fmt(s, "wx-mapping", name, err, "PROT_WRITE|PROT_EXEC");
	}
	if (streq(name, "mprotect") || streq(name, "pkey_mprotect")) {
		if (!(a[2] & PROT_EXEC))
			return 0;
		return event_fmt(s, "wx-mapping", name, err, "%s",
				 a[2] & PROT_WRITE ? "PROT_WRITE|PROT_EXEC" : "PROT_EXEC");
	}
	if (streq(name, "shmat"))
		return a[2] & SHM_EXEC ? event_fmt(s, "wx-mapping", name, err, "SHM_EXEC") : 0;
	(void)p;
	return 0;
}

static int on_signal(struct summarizer *s, struct proc *p, const struct tev_event *ev,
		     const char *name, int err)
{
	long target = (long)(int)ev->args[0];
	int sig = (int)ev->args[streq(name, "kill") || streq(name, "tkill") ||
						streq(name, "rt_sigqueueinfo")
					? 1
					: 2];
	char sb[16];

	(void)p;
	if (sig == 0)
		return 0; /* an existence probe sends nothing */
	if (target == 0 || (target > 0 && in_tree(s, (pid_t)target)) ||
	    (target < -1 && in_tree(s, (pid_t)-target)))
		return 0;
	if (streq(name, "tkill"))
		return 0; /* a thread id: only ever our own in practice */
	snprintf(sb, sizeof(sb), "%d", sig);
	return event_fmt(s, "signal-foreign", name, err, "%s%s to %s",
			 sigabbrev_np(sig) ? "SIG" : "", sigabbrev_np(sig) ? sigabbrev_np(sig) : sb,
			 target == -1 ? "all"
			 : target < 0 ? "a process group"
				      : "a process");
}

static const struct {
	const char *name;
	handler_t fn;
} handlers[] = {
	{ "open", on_open },
	{ "openat", on_open },
	{ "openat2", on_open },
	{ "creat", on_open },
	{ "unlink", on_unlink },
	{ "unlinkat", on_unlink },
	{ "rmdir", on_unlink },
	{ "mkdir", on_mkdir },
	{ "mkdirat", on_mkdir },
	{ "truncate", on_truncate },
	{ "mknod", on_mknod },
	{ "mknodat", on_mknod },
	{ "rename", on_rename_link },
	{ "renameat", on_rename_link },
	{ "renameat2", on_rename_link },
	{ "link", on_rename_link },
	{ "linkat", on_rename_link },
	{ "symlink", on_rename_link },
	{ "symlinkat", on_rename_link },
	{ "chmod", on_chmod },
	{ "fchmod", on_chmod },
	{ "fchmodat", on_chmod },
	{ "fchmodat2", on_chmod },
	{ "chown", on_chown },
	{ "lchown", on_chown },
	{ "fchown", on_chown },
	{ "fchownat", on_chown },
	{ "execve", on_exec },
	{ "execveat", on_exec },
	{ "chdir", on_chdir },
	{ "fchdir", on_chdir },
	{ "dup2", on_dup },
	{ "dup3", on_dup },
	{ "socket", on_socket },
	{ "bind", on_bind_connect },
	{ "connect", on_bind_connect },
	{ "listen", on_listen },
	{ "clone", on_namespace },
	{ "clone3", on_namespace },
	{ "unshare", on_namespace },
	{ "setns", on_namespace },
	{ "kill", on_signal },
	{ "tkill", on_signal },
	{ "tgkill", on_signal },
	{ "rt_sigqueueinfo", on_signal },
	{ "rt_tgsigqueueinfo", on_signal },
};

int summarizer_new(struct sdh_profile *p, struct summarizer **ret)
{
	struct summarizer *s = calloc(1, sizeof(*s));
	struct tev_spec spec;

	if (!s)
		return -ENOMEM;
	s->profile = p;
	/* Every detailed syscall without a specific handler is one of on_misc's. */
	for (int nr = 0; nr < TEV_NR_MAX; nr++)
		if (trace_spec_for(nr, &spec))
			s->handlers[nr] = on_misc;
	for (size_t i = 0; i < ELEMENTSOF(handlers); i++) {
		int nr = seccomp_syscall_resolve_name(handlers[i].name);

		if (nr >= 0 && nr < TEV_NR_MAX)
			s->handlers[nr] = handlers[i].fn;
	}
	*ret = s;
	return 0;
}

struct summarizer *summarizer_free(struct summarizer *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_procs; i++)
		proc_release(&s->procs[i]);
	free(s->procs);
	free(s->tree);
	free(s);
	return NULL;
}

int summarizer_add_process(struct summarizer *s, pid_t pid, const char *cwd)
{
	return proc_add(s, pid, cwd) ? 0 : -ENOMEM;
}

static int add_count(struct summarizer *s, long nr, uint64_t count)
{
	const char *name = trace_syscall_name(nr);
	char buf[24];

	if (!name) {
		snprintf(buf, sizeof(buf), "#%ld", nr);
		name = buf;
	}
	return sdh_profile_add_syscall(s->profile, name, (int)nr, count);
}

/* CAP_SYS_ADMIN checks in these syscalls are cap_vm_enough_memory() (overcommit accounting). */
static bool cap_routine(int cap, const char *syscall)
{
	static const char *const vm[] = { "mmap",   "brk",      "mremap", "mprotect",
					  "execve", "execveat", "clone",  "clone3",
					  "fork",   "vfork",    "shmget", "shmat" };

	if (cap != 21 /* CAP_SYS_ADMIN */ || !syscall)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(vm); i++)
		if (streq(vm[i], syscall))
			return true;
	return false;
}

int summarizer_add(struct summarizer *s, const struct tev_event *ev)
{
	struct proc *p, *parent;
	const char *name;
	int err, r;

	switch (ev->type) {
	case TEV_COUNT: return add_count(s, ev->nr, ev->count);
	case TEV_CAP:
		name = ev->nr >= 0 ? trace_syscall_name(ev->nr) : NULL;
		return sdh_profile_add_cap(s->profile, (unsigned)ev->cap & 63, ev->status != 0,
					   cap_routine(ev->cap, name), name, ev->count);
	case TEV_FORK:
		if (ev->child == ev->pid)
			return 0; /* a thread */
		parent = proc_find(s, ev->pid);
		p = proc_add(s, ev->child, parent ? parent->cwd : NULL);
		if (!p)
			return -ENOMEM;
		parent = proc_find(s, ev->pid); /* proc_add may have moved it */
		if (parent && parent->n_fds && !p->n_fds && fd_slot(p, (long)parent->n_fds - 1)) {
			for (size_t i = 0; i < parent->n_fds; i++) {
				p->fds[i] = parent->fds[i];
				p->fds[i].path =
					parent->fds[i].path ? strdup(parent->fds[i].path) : NULL;
				p->fds[i].address = parent->fds[i].address
							    ? strdup(parent->fds[i].address)
							    : NULL;
			}
		}
		return 0;
	case TEV_EXIT: proc_remove(s, ev->pid); return 0;
	case TEV_EXEC: return proc_add(s, ev->pid, NULL) ? 0 : -ENOMEM;
	case TEV_SYSCALL: break;
	default: return 0;
	}

	s->profile->meta.events++;
	if (ev->counted && (r = add_count(s, ev->nr, 1)) < 0)
		return r;
	if (ev->nr < 0 || ev->nr >= TEV_NR_MAX || !s->handlers[ev->nr])
		return 0;
	p = proc_add(s, ev->pid, NULL);
	if (!p)
		return -ENOMEM;
	name = trace_syscall_name(ev->nr);
	err = ev->ret < 0 && ev->ret > -4096 ? (int)-ev->ret : 0;
	return s->handlers[ev->nr](s, p, ev, name ? name : "", err);
}
