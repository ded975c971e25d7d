# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The profiler: per-arch register code, and the BPF back end (src/profile/bpf/*.bpf.c compiled
# with clang -target bpf against a vmlinux.h from the running kernel's BTF, turned into a
# skeleton header by bpftool).  Without clang, bpftool or BTF the back end is left out
# (WITH_BPF=0) and reports "not built" at run time; `make` never fails for lack of them.
# libbpf itself is not linked: src/profile/dlopen-libbpf.c loads it when the back end starts.

BPF_CLANG ?= $(shell command -v clang-14 2>/dev/null || command -v clang 2>/dev/null)
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || ls /usr/sbin/bpftool 2>/dev/null)
LLVM_STRIP ?= $(shell command -v llvm-strip-14 2>/dev/null || command -v llvm-strip 2>/dev/null)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

ifeq ($(origin WITH_BPF),undefined)
WITH_BPF := $(if $(and $(BPF_CLANG),$(BPFTOOL),$(wildcard $(VMLINUX_BTF)),$(wildcard src/profile/bpf.c)),1,0)
endif

PROFILE_ARCH := $(shell uname -m)
EXTRA_LIB_OBJS += $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/profile/arch/$(PROFILE_ARCH).c))

ifeq ($(WITH_BPF),1)
BPF_SRCS := $(wildcard src/profile/bpf/*.bpf.c)
BPF_SKELS := $(patsubst src/profile/bpf/%.bpf.c,$(BUILD)/gen/%.skel.h,$(BPF_SRCS))
EXTRA_CFLAGS += -DSDH_WITH_BPF=1
EXTRA_GEN += $(BPF_SKELS)

$(BUILD)/gen/vmlinux.h:
	@mkdir -p $(@D)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/%.bpf.o: src/profile/bpf/%.bpf.c src/profile/trace-event.h $(BUILD)/gen/vmlinux.h
	$(if $(Q),@echo "  BPF     $<")
	$(Q)$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(BUILD)/gen -Isrc \
		-c $< -o $@.tmp && \
		$(if $(LLVM_STRIP),$(LLVM_STRIP) -g $@.tmp &&) mv $@.tmp $@

# Pattern-rule products are intermediate to make, which would delete them after each build and
# regenerate them (and recompile what includes the skeleton) every time.
.SECONDARY: $(BPF_SKELS) $(patsubst %.skel.h,%.bpf.o,$(BPF_SKELS))

$(BUILD)/gen/%.skel.h: $(BUILD)/gen/%.bpf.o
	$(if $(Q),@echo "  SKEL    $@")
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@
endif
