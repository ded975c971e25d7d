/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsystemd, loaded on first use.  Only the D-Bus paths (analyze --online, profile --unit) use
 * sd-bus, but linking libsystemd made every start load and relocate it with libgcrypt, liblzma,
 * libzstd, liblz4 and libcap: with libbpf, over a quarter of the time `sdharden --version` took.
 * So the binary does not link it: this file defines each sd-bus function sdharden calls, with the
 * prototype from <systemd/sd-bus.h> (the compiler checks that they agree), and forwards it to the
 * real one, looked up once in libsystemd.so.0.  Without the library, each returns what it returns
 * on failure: -EOPNOTSUPP, NULL from the unref functions, false from sd_bus_error_has_name().
 *
 * A new sd_*() call elsewhere is an undefined reference at link time until it is added here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "basic/dlopen-util.h"

/* The real functions forwarded to; the variadic ones go to their va_list twins. */
#define LIBSYSTEMD_SYMBOLS(X)             \
	X(sd_bus_call_methodv)            \
	X(sd_bus_error_free)              \
	X(sd_bus_error_has_name)          \
	X(sd_bus_flush_close_unref)       \
	X(sd_bus_get_property)            \
	X(sd_bus_get_property_string)     \
	X(sd_bus_get_property_trivial)    \
	X(sd_bus_message_enter_container) \
	X(sd_bus_message_exit_container)  \
	X(sd_bus_message_peek_type)       \
	X(sd_bus_message_read_array)      \
	X(sd_bus_message_read_basic)      \
	X(sd_bus_message_read_strv)       \
	X(sd_bus_message_readv)           \
	X(sd_bus_message_skip)            \
	X(sd_bus_message_unref)           \
	X(sd_bus_new)                     \
	X(sd_bus_open_system)             \
	X(sd_bus_open_user)               \
	X(sd_bus_path_encode)             \
	X(sd_bus_set_address)             \
	X(sd_bus_start)

enum {
	LIBSYSTEMD_SYMBOLS(DLOPEN_SYMBOL_INDEX) N_SYMBOLS
};
static const char *const symbol_names[] = { LIBSYSTEMD_SYMBOLS(DLOPEN_SYMBOL_NAME) };
static void *symbols[N_SYMBOLS];
static struct dlopen_library library =
	DLOPEN_LIBRARY_INIT("libsystemd.so.0", symbol_names, symbols);

static bool have_libsystemd(void)
{
	return dlopen_library_load(&library);
}

/* The real NAME, typed as <systemd/sd-bus.h> declares it. */
#define REAL(name) ((__typeof__(&name))symbols[SYM_##name])

int sd_bus_open_user(sd_bus **ret)
{
	return have_libsystemd() ? REAL(sd_bus_open_user)(ret) : -EOPNOTSUPP;
}

int sd_bus_open_system(sd_bus **ret)
{
	return have_libsystemd() ? REAL(sd_bus_open_system)(ret) : -EOPNOTSUPP;
}

int sd_bus_new(sd_bus **ret)
{
	return have_libsystemd() ? REAL(sd_bus_new)(ret) : -EOPNOTSUPP;
}

int sd_bus_set_address(sd_bus *bus, const char *address)
{
	return have_libsystemd() ? REAL(sd_bus_set_address)(bus, address) : -EOPNOTSUPP;
}

int sd_bus_start(sd_bus *bus)
{
	return have_libsystemd() ? REAL(sd_bus_start)(bus) : -EOPNOTSUPP;
}

sd_bus *sd_bus_flush_close_unref(sd_bus *bus)
{
	return have_libsystemd() ? REAL(sd_bus_flush_close_unref)(bus) : NULL;
}

int sd_bus_call_method(sd_bus *bus, const char *destination, const char *path,
		       const char *interface, const char *member, sd_bus_error *ret_error,
		       sd_bus_message **reply, const char *types, ...)
{
	va_list ap;
	int r;

	if (!have_libsystemd())
		return -EOPNOTSUPP;
	va_start(ap, types);
	r = REAL(sd_bus_call_methodv)(bus, destination, path, interface, member, ret_error, reply,
				      types, ap);
	va_end(ap);
	return r;
}

int sd_bus_get_property(sd_bus *bus, const char *destination, const char *path,
			const char *interface, const char *member, sd_bus_error *ret_error,
			sd_bus_message **reply, const char *type)
{
	if (!have_libsystemd())
		return -EOPNOTSUPP;
	return REAL(sd_bus_get_property)(bus, destination, path, interface, member, ret_error,
					 reply, type);
}

int sd_bus_get_property_trivial(sd_bus *bus, const char *destination, const char *path,
				const char *interface, const char *member, sd_bus_error *ret_error,
				char type, void *ret_ptr)
{
	if (!have_libsystemd())
		return -EOPNOTSUPP;
	return REAL(sd_bus_get_property_trivial)(bus, destination, path, interface, member,
						 ret_error, type, ret_ptr);
}

int sd_bus_get_property_string(sd_bus *bus, const char *destination, const char *path,
			       const char *interface, const char *member, sd_bus_error *ret_error,
			       char **ret)
{
	if (!have_libsystemd())
		return -EOPNOTSUPP;
	return REAL(sd_bus_get_property_string)(bus, destination, path, interface, member,
						ret_error, ret);
}

int sd_bus_message_read(sd_bus_message *m, const char *types, ...)
{
	va_list ap;
	int r;

	if (!have_libsystemd())
		return -EOPNOTSUPP;
	va_start(ap, types);
	r = REAL(sd_bus_message_readv)(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_message_read_basic(sd_bus_message *m, char type, void *p)
{
	return have_libsystemd() ? REAL(sd_bus_message_read_basic)(m, type, p) : -EOPNOTSUPP;
}

int sd_bus_message_read_array(sd_bus_message *m, char type, const void **ptr, size_t *size)
{
	if (!have_libsystemd())
		return -EOPNOTSUPP;
	return REAL(sd_bus_message_read_array)(m, type, ptr, size);
}

int sd_bus_message_read_strv(sd_bus_message *m, char ***l)
{
	return have_libsystemd() ? REAL(sd_bus_message_read_strv)(m, l) : -EOPNOTSUPP;
}

int sd_bus_message_skip(sd_bus_message *m, const char *types)
{
	return have_libsystemd() ? REAL(sd_bus_message_skip)(m, types) : -EOPNOTSUPP;
}

int sd_bus_message_enter_container(sd_bus_message *m, char type, const char *contents)
{
	if (!have_libsystemd())
		return -EOPNOTSUPP;
	return REAL(sd_bus_message_enter_container)(m, type, contents);
}

int sd_bus_message_exit_container(sd_bus_message *m)
{
	return have_libsystemd() ? REAL(sd_bus_message_exit_container)(m) : -EOPNOTSUPP;
}

int sd_bus_message_peek_type(sd_bus_message *m, char *type, const char **contents)
{
	return have_libsystemd() ? REAL(sd_bus_message_peek_type)(m, type, contents) : -EOPNOTSUPP;
}

sd_bus_message *sd_bus_message_unref(sd_bus_message *m)
{
	return have_libsystemd() ? REAL(sd_bus_message_unref)(m) : NULL;
}

void sd_bus_error_free(sd_bus_error *e)
{
	/* Without the library nothing can have filled E in. */
	if (have_libsystemd())
		REAL(sd_bus_error_free)(e);
}

int sd_bus_error_has_name(const sd_bus_error *e, const char *name)
{
	return have_libsystemd() ? REAL(sd_bus_error_has_name)(e, name) : false;
}

int sd_bus_path_encode(const char *prefix, const char *external_id, char **ret_path)
{
	if (!have_libsystemd())
		return -EOPNOTSUPP;
	return REAL(sd_bus_path_encode)(prefix, external_id, ret_path);
}
