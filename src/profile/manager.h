/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * `profile --unit`: the system manager's side (D-Bus, org.freedesktop.systemd1).  The unit is
 * looked up before anything is loaded (a unit that is not loaded fails early, leaving nothing
 * behind), restarted once the tracer is attached, and polled until it is inactive again.
 */

#include <stdbool.h>
#include <stdint.h>

struct manager_unit;

/*
 * Look NAME up ("nginx" means "nginx.service").  -ENOENT: not loaded (not found, masked, bad
 * setting); -ENOTCONN: no system manager to talk to; -ENOMEM.
 */
int manager_unit_open(const char *name, struct manager_unit **ret);
struct manager_unit *manager_unit_free(struct manager_unit *u);
/* The unit's id, which names its cgroup ("nginx.service"), and its slice's cgroup id or 0. */
const char *manager_unit_id(const struct manager_unit *u);
uint64_t manager_unit_parent_cgroup(const struct manager_unit *u);
/* Queue a restart (a start when inactive). */
int manager_unit_start(struct manager_unit *u);
/* Stop the unit and wait until it is inactive (or failed) with no job left: 0, -ETIMEDOUT. */
int manager_unit_stop_wait(struct manager_unit *u, unsigned timeout_ms);
/*
 * 1 while the unit runs or a job of it is pending, 0 once it is inactive or failed with no job
 * left; with 0, the main process's exit (*ret_status, *ret_signal; -1/0 when unknown).
 */
int manager_unit_running(struct manager_unit *u, int *ret_status, int *ret_signal);
