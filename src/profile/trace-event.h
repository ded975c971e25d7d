/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The raw event both back ends produce, shared with the BPF program (bpf/profile.bpf.c includes
 * this file, so it uses only fixed-size kernel-style types and no libc).
 *
 * Per-syscall argument specs tell a back end what to copy from user memory.  The value in the
 * BPF "spec" map and in the ptrace back end's table is a `struct tev_spec`; a zero spec means
 * the syscall is only counted.
 */

#ifndef __bpf__
#	include <stdint.h>
typedef uint8_t tev_u8;
typedef uint32_t tev_u32;
typedef int32_t tev_s32;
typedef uint64_t tev_u64;
typedef int64_t tev_s64;
#else
typedef __u8 tev_u8;
typedef __u32 tev_u32;
typedef __s32 tev_s32;
typedef __u64 tev_u64;
typedef __s64 tev_s64;
#endif

#define TEV_STR_MAX 256
#define TEV_MEM_MAX 16 /* bytes copied for a SPEC_MEM argument (flags words of a struct) */
#define TEV_NR_MAX  512

enum {
	TEV_SYSCALL = 1, /* a detailed syscall, enter + exit */
	TEV_FORK,        /* pid forked child (both thread group ids) */
	TEV_EXEC,        /* pid completed an execve */
	TEV_EXIT,        /* thread group pid ended, status = wait status */
	TEV_COUNT,       /* aggregated: syscall nr was called `count` times */
	TEV_CAP,         /* aggregated: cap checked `count` times during syscall nr, granted? */
};

/* What the seeding iterator adds to the traced set (bpf back end: `seed_mode`). */
enum {
	TEV_SEED_NONE,
	TEV_SEED_FIND,   /* nothing: finds the global id of seed_pid (tracer's namespace) */
	TEV_SEED_TREE,   /* seed_tgid (global) and its descendants */
	TEV_SEED_CGROUP, /* the processes of target_cgroup and below */
};

/* Argument indexes are stored + 1 so that 0 means "none". */
struct tev_spec {
	tev_u8 str[2];     /* NUL-terminated strings (paths) */
	tev_u8 sockaddr;   /* a struct sockaddr; its length is the next argument */
	tev_u8 mem;        /* TEV_MEM_MAX bytes of a struct (clone3 flags, open_how, sched_attr) */
	tev_u8 filter_arg; /* emit only when (arg & filter_mask) == filter_mask */
	tev_u8 detailed;   /* 1 for every syscall in the table */
	tev_u8 pad[2];
	tev_u64 filter_mask;
};

struct tev_event {
	tev_u32 type;
	tev_u32 pid; /* thread group id (as seen by the tracer) */
	tev_u32 tid;
	tev_u32 child; /* TEV_FORK: child tgid */
	tev_s64 nr;    /* syscall number, -1 when none */
	tev_u64 args[6];
	tev_s64 ret;
	tev_u64 count; /* TEV_COUNT, TEV_CAP */
	tev_s32 cap;
	tev_s32 status; /* TEV_EXIT: wait status; TEV_CAP: 1 if granted */
	tev_u32 len[2]; /* bytes valid in str[] (strings: including the NUL) */
	tev_u8 counted; /* TEV_SYSCALL: not counted elsewhere (add 1 to the syscall count) */
	tev_u8 pad[7];
	tev_u8 mem[TEV_MEM_MAX];
	char str[2][TEV_STR_MAX]; /* str[0]: string or sockaddr; str[1]: second string */
};
