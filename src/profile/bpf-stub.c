/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Built when the BPF back end is not (WITH_BPF=0): it reports that plainly. */
#ifndef SDH_WITH_BPF
#	include <errno.h>

#	include "profile/tracer.h"

static int bpf_init_stub(const struct sdh_record_options *o, const struct trace_unit *unit,
			 struct tracer **ret)
{
	(void)o;
	(void)unit;
	(void)ret;
	return -EOPNOTSUPP;
}

const struct tracer_ops tracer_bpf_ops = {
	.name = "bpf",
	.init = bpf_init_stub,
	.syscall_method = "not built",
	.capability_method = "not built",
};
#endif
