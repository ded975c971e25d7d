/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Events to records: the summarizer keeps each traced process's cwd and file descriptor table
 * (from the events themselves, /proc only as a fallback) to resolve paths and sockets, and
 * classifies every detailed syscall into files, exec, sockets, devices and events.  No policy
 * here: what a record means for hardening is decided by the consumers of the profile.
 */

#include <sys/types.h>

#include "profile/trace-event.h"
#include "sdharden/profile.h"

struct summarizer;

/* Records go to P (borrowed). */
int summarizer_new(struct sdh_profile *p, struct summarizer **ret);
struct summarizer *summarizer_free(struct summarizer *s);
/* A process traced from the start (CWD known) or found running (CWD NULL: read from /proc). */
int summarizer_add_process(struct summarizer *s, pid_t pid, const char *cwd);
int summarizer_add(struct summarizer *s, const struct tev_event *ev);
