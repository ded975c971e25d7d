/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Just enough ELF for the binary-inspecting rules: class, machine and the DT_NEEDED list of a
 * little-endian file, or the "#!" line of a script.  Every offset read from the file is checked
 * against the sizes we read, because the Exec binary is untrusted input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "lint/lint-internal.h"

#define PHNUM_MAX   512U
#define DYNAMIC_MAX (256U * 1024U)
#define STRTAB_MAX  (4U * 1024U * 1024U)

static uint64_t get(const unsigned char *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = size; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

static int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

struct load {
	uint64_t vaddr, offset, filesz;
};

static int read_needed(int fd, const unsigned char *eh, struct lint_elf *e)
{
	bool is64 = e->elf_class == 2;
	unsigned w = is64 ? 8 : 4;
	uint64_t phoff = get(eh + (is64 ? 32 : 28), w);
	unsigned phentsize = (unsigned)get(eh + (is64 ? 54 : 42), 2);
	unsigned phnum = (unsigned)get(eh + (is64 ? 56 : 44), 2);
	cleanup_free unsigned char *ph = NULL;
	cleanup_free unsigned char *dyn = NULL;
	cleanup_free char *strtab = NULL;
	cleanup_free struct load *loads = NULL;
	uint64_t dyn_off = 0, dyn_size = 0, strtab_addr = 0, strsz = 0, str_off = 0;
	size_t n_loads = 0;
	bool have_strtab = false, have_str_off = false;

	if (phnum == 0 || phnum > PHNUM_MAX || phentsize < (is64 ? 56U : 32U))
		return 0;
	ph = malloc((size_t)phnum * phentsize);
	loads = calloc(phnum, sizeof(*loads));
	if (!ph || !loads)
		return -ENOMEM;
	if (pread_full(fd, ph, (size_t)phnum * phentsize, phoff) < 0)
		return 0;
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *p = ph + (size_t)i * phentsize;
		uint32_t type = (uint32_t)get(p, 4);
		uint64_t off = get(p + (is64 ? 8 : 4), w), vaddr = get(p + (is64 ? 16 : 8), w),
			 filesz = get(p + (is64 ? 32 : 16), w);

		if (type == 2 /* PT_DYNAMIC */) {
			dyn_off = off;
			dyn_size = filesz;
		} else if (type == 1 /* PT_LOAD */)
			loads[n_loads++] = (struct load){ vaddr, off, filesz };
	}
	if (dyn_size == 0 || dyn_size > DYNAMIC_MAX)
		return 0;
	dyn = malloc(dyn_size);
	if (!dyn)
		return -ENOMEM;
	if (pread_full(fd, dyn, dyn_size, dyn_off) < 0)
		return 0;
	for (uint64_t i = 0; i + 2 * w <= dyn_size; i += 2 * w) {
		uint64_t tag = get(dyn + i, w), val = get(dyn + i + w, w);

		if (tag == 0)
			break;
		if (tag == 5 /* DT_STRTAB */) {
			strtab_addr = val;
			have_strtab = true;
		} else if (tag == 10 /* DT_STRSZ */)
			strsz = val;
	}
	if (!have_strtab || strsz == 0 || strsz > STRTAB_MAX)
		return 0;
	for (size_t i = 0; i < n_loads; i++)
		if (strtab_addr >= loads[i].vaddr &&
		    strtab_addr - loads[i].vaddr < loads[i].filesz) {
			str_off = loads[i].offset + (strtab_addr - loads[i].vaddr);
			have_str_off = true;
			break;
		}
	if (!have_str_off)
		return 0;
	strtab = malloc(strsz + 1);
	if (!strtab)
		return -ENOMEM;
	if (pread_full(fd, strtab, strsz, str_off) < 0)
		return 0;
	strtab[strsz] = 0;
	for (uint64_t i = 0; i + 2 * w <= dyn_size; i += 2 * w) {
		uint64_t tag = get(dyn + i, w), val = get(dyn + i + w, w);

		if (tag == 0)
			break;
		if (tag == 1 /* DT_NEEDED */ && val < strsz && strtab[val] &&
		    strv_extend(&e->needed, strtab + val) < 0)
			return -ENOMEM;
	}
	return 0;
}

int lint_elf_read(int fd, struct lint_elf *ret)
{
	unsigned char eh[64] = { 0 };
	struct lint_elf e = { 0 };
	ssize_t n = pread(fd, eh, sizeof(eh), 0);
	int r;

	if (n < 0)
		return -errno;
	if (n >= 2 && eh[0] == '#' && eh[1] == '!') {
		char line[256] = { 0 };

		n = pread(fd, line, sizeof(line) - 1, 2);
		if (n < 0)
			return -errno;
		line[strcspn(line, "\n")] = 0;
		e.interpreter = strdup(strstrip(line));
		if (!e.interpreter)
			return -ENOMEM;
	} else if (n >= 52 && memcmp(eh, "\177ELF", 4) == 0 && (eh[4] == 1 || eh[4] == 2)) {
		e.is_elf = true;
		e.elf_class = eh[4];
		/* Only little-endian files are parsed further: every target systemd runs on here.
		 */
		if (eh[5] == 1) {
			e.machine = (unsigned)get(eh + 18, 2);
			if (n >= (e.elf_class == 2 ? 64 : 52)) {
				r = read_needed(fd, eh, &e);
				if (r < 0) {
					lint_elf_release(&e);
					return r;
				}
			}
		}
	}
	*ret = e;
	return 0;
}

void lint_elf_release(struct lint_elf *e)
{
	e->needed = strv_free(e->needed);
	free(e->interpreter);
	e->interpreter = NULL;
}

bool lint_file_contains(int fd, const char *needle)
{
	size_t nl = strlen(needle), chunk = 64U * 1024U;
	cleanup_free char *buf = malloc(chunk + nl);
	uint64_t off = 0;

	if (!buf || nl == 0 || nl > 256)
		return false;
	while (off < 64U * 1024U * 1024U) {
		ssize_t n = pread(fd, buf, chunk + nl, (off_t)off);

		if (n <= 0)
			return false;
		if (memmem(buf, (size_t)n, needle, nl))
			return true;
		if ((size_t)n < chunk + nl)
			return false;
		off += chunk;
	}
	return false;
}
