/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libbpf, loaded on first use.  Only the profiler's BPF back end (bpf.c and the skeleton that
 * bpftool generated for it) calls libbpf, but linking it made every start of every verb load it
 * with libelf and libz.  So the binary does not link it: this file defines each libbpf function
 * called there, with the prototype from <bpf/libbpf.h> or <bpf/bpf.h> (the compiler checks that
 * they agree), and forwards it to the real one, looked up once in libbpf.so.1.  Without the
 * library each fails as libbpf itself reports errors: -EOPNOTSUPP with errno set, or NULL with
 * errno = EOPNOTSUPP, as when the back end is not built (`--backend=auto` takes seccomp).
 *
 * A new libbpf call in bpf.c is an undefined reference at link time until it is added here.
 */
#ifdef SDH_WITH_BPF
#	include <bpf/bpf.h>
#	include <bpf/libbpf.h>
#	include <errno.h>
#	include <stdbool.h>
#	include <stdlib.h>

#	include "basic/dlopen-util.h"

#	define LIBBPF_SYMBOLS(X)               \
		X(bpf_iter_create)              \
		X(bpf_link__destroy)            \
		X(bpf_link__fd)                 \
		X(bpf_map__fd)                  \
		X(bpf_map_get_next_key)         \
		X(bpf_map_lookup_elem)          \
		X(bpf_map_update_elem)          \
		X(bpf_object__attach_skeleton)  \
		X(bpf_object__destroy_skeleton) \
		X(bpf_object__detach_skeleton)  \
		X(bpf_object__load_skeleton)    \
		X(bpf_object__open_skeleton)    \
		X(bpf_program__attach_iter)     \
		X(bpf_program__set_autoattach)  \
		X(libbpf_num_possible_cpus)     \
		X(libbpf_set_print)             \
		X(ring_buffer__consume)         \
		X(ring_buffer__free)            \
		X(ring_buffer__new)             \
		X(ring_buffer__poll)

enum {
	LIBBPF_SYMBOLS(DLOPEN_SYMBOL_INDEX) N_SYMBOLS
};
static const char *const symbol_names[] = { LIBBPF_SYMBOLS(DLOPEN_SYMBOL_NAME) };
static void *symbols[N_SYMBOLS];
static struct dlopen_library library = DLOPEN_LIBRARY_INIT("libbpf.so.1", symbol_names, symbols);

static bool have_libbpf(void)
{
	return dlopen_library_load(&library);
}

/* The real NAME, typed as libbpf's headers declare it. */
#	define REAL(name) ((__typeof__(&name))symbols[SYM_##name])

static int fail(void)
{
	errno = EOPNOTSUPP;
	return -EOPNOTSUPP;
}

static void *fail_ptr(void)
{
	errno = EOPNOTSUPP;
	return NULL;
}

libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn)
{
	return have_libbpf() ? REAL(libbpf_set_print)(fn) : NULL;
}

int libbpf_num_possible_cpus(void)
{
	return have_libbpf() ? REAL(libbpf_num_possible_cpus)() : fail();
}

int bpf_object__open_skeleton(struct bpf_object_skeleton *s,
			      const struct bpf_object_open_opts *opts)
{
	return have_libbpf() ? REAL(bpf_object__open_skeleton)(s, opts) : fail();
}

int bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	return have_libbpf() ? REAL(bpf_object__load_skeleton)(s) : fail();
}

int bpf_object__attach_skeleton(struct bpf_object_skeleton *s)
{
	return have_libbpf() ? REAL(bpf_object__attach_skeleton)(s) : fail();
}

void bpf_object__detach_skeleton(struct bpf_object_skeleton *s)
{
	if (have_libbpf())
		REAL(bpf_object__detach_skeleton)(s);
}

void bpf_object__destroy_skeleton(struct bpf_object_skeleton *s)
{
	if (have_libbpf()) {
		REAL(bpf_object__destroy_skeleton)(s);
		return;
	}
	/*
	 * The skeleton's open() calls this after bpf_object__open_skeleton() failed: nothing was
	 * opened, but the arrays its create_skeleton() allocated are ours to free.
	 */
	if (s) {
		free(s->maps);
		free(s->progs);
		free(s);
	}
}

void bpf_program__set_autoattach(struct bpf_program *prog, bool autoattach)
{
	if (have_libbpf())
		REAL(bpf_program__set_autoattach)(prog, autoattach);
}

struct bpf_link *bpf_program__attach_iter(const struct bpf_program *prog,
					  const struct bpf_iter_attach_opts *opts)
{
	return have_libbpf() ? REAL(bpf_program__attach_iter)(prog, opts) : fail_ptr();
}

int bpf_link__fd(const struct bpf_link *link)
{
	return have_libbpf() ? REAL(bpf_link__fd)(link) : fail();
}

int bpf_link__destroy(struct bpf_link *link)
{
	return have_libbpf() ? REAL(bpf_link__destroy)(link) : fail();
}

int bpf_iter_create(int link_fd)
{
	return have_libbpf() ? REAL(bpf_iter_create)(link_fd) : fail();
}

int bpf_map__fd(const struct bpf_map *map)
{
	return have_libbpf() ? REAL(bpf_map__fd)(map) : fail();
}

int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	return have_libbpf() ? REAL(bpf_map_lookup_elem)(fd, key, value) : fail();
}

int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	return have_libbpf() ? REAL(bpf_map_update_elem)(fd, key, value, flags) : fail();
}

int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	return have_libbpf() ? REAL(bpf_map_get_next_key)(fd, key, next_key) : fail();
}

struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx,
				     const struct ring_buffer_opts *opts)
{
	return have_libbpf() ? REAL(ring_buffer__new)(map_fd, sample_cb, ctx, opts) : fail_ptr();
}

int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms)
{
	return have_libbpf() ? REAL(ring_buffer__poll)(rb, timeout_ms) : fail();
}

int ring_buffer__consume(struct ring_buffer *rb)
{
	return have_libbpf() ? REAL(ring_buffer__consume)(rb) : fail();
}

void ring_buffer__free(struct ring_buffer *rb)
{
	if (have_libbpf())
		REAL(ring_buffer__free)(rb);
}
#endif
