# SPDX-License-Identifier: LGPL-2.1-or-later
#
# sdharden: one non-recursive GNU Make file.
#
#   make                          build/sdharden
#   make check                    build and run the whole suite (tests/run.sh)
#   make SANITIZE=address,undefined BUILD=build-asan check
#   make fuzz CC=clang            libFuzzer binaries in $(BUILD)/fuzz/
#   make format / format-check    clang-format over src/ include/ tests/ fuzz/
#   make DEVELOPER=1              adds -Werror
#   V=1                           show the commands
#
# Sources are found by directory: a new .c file in src/<module>/ is part of libsdharden.a, a new
# src/cli/verb-*.c part of the binary, a new tests/unit/test-*.c a new test binary, a new
# fuzz/fuzz-*.c a new fuzz target.  mk/*.mk hold optional pieces (the BPF objects of the profiler).

BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local

VERSION := $(shell cat VERSION 2>/dev/null || echo 0)

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wimplicit-fallthrough -Wvla -Wwrite-strings -Wpointer-arith -Wundef -fno-common \
	-Wno-missing-field-initializers -Wno-format-nonliteral
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Iinclude -Isrc -I$(BUILD)/gen -MMD -MP \
	-DSDH_VERSION_STRING='"$(VERSION)"' -fstack-protector-strong -fPIE -pthread
BASE_LDFLAGS := -pie -Wl,-z,relro,-z,now -pthread
# libsystemd and libbpf are not linked but loaded on first use (src/basic/dlopen-util.h): only
# the online and profiling paths need them, and loading them on every start is what costs.
LIBS := -lseccomp -ljson-c -lcap -lm

ifeq ($(DEVELOPER),1)
BASE_CFLAGS += -Werror
endif

ifneq ($(SANITIZE),)
BASE_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
BASE_LDFLAGS += -fsanitize=$(SANITIZE)
else
BASE_CFLAGS += -D_FORTIFY_SOURCE=2
endif

ALL_CFLAGS = $(BASE_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(BASE_LDFLAGS) $(LDFLAGS)

MODULES := basic kb unit score lint gen profile run
LIB_SRCS := $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))
CLI_SRCS := $(wildcard src/cli/*.c)

# Knowledge tables: NAME|TSV|ROW TYPE|COLUMN:KIND,...  (kinds: tools/gen-kb.awk)
KB_CHECK_FIELDS := order:u,name:s,json_field:s,weight:u,range:u,assess_kind:s,parameter:s,default_dependencies_only:b,needs_seccomp_build:b,description_good:S,description_bad:S,description_na:S,url:s
KB_GROUP_FIELDS := group:s,member:s,member_kind:s,x86_64_syscall_nr:n
KB_TABLES := \
	directives|data/directives.tsv|sdh_directive|directive:s,sections_v262:s,value_kind:s,parser_v262:s,version_added:v,present_at_v252:b,status:s,man_page:s \
	capabilities|data/capabilities.tsv|sdh_capability|number:u,name:s,systemd_display_name:s,linux_added:s,in_v252_list:b,in_v262_list:b,scored_by_check_json_field_v262:S,dropped_from_bounding_set_by:S \
	address_families|data/address-families.tsv|sdh_address_family|name:s,number:u,alias_of:S,printed_name:s,security_bucket:s \
	syscall_groups_v252|data/syscall-groups-v252.tsv|sdh_syscall_group_member|$(KB_GROUP_FIELDS) \
	syscall_groups_v252_39|data/syscall-groups-v252.39.tsv|sdh_syscall_group_member|$(KB_GROUP_FIELDS) \
	syscall_groups_v262|data/syscall-groups-v262.tsv|sdh_syscall_group_member|$(KB_GROUP_FIELDS) \
	syscall_group_help|data/syscall-groups-help.tsv|sdh_syscall_group_help|version:v,group:s,help:s,member_count:u \
	checks_v252|data/security-checks-v252.tsv|sdh_check_row|$(KB_CHECK_FIELDS) \
	checks_v252_38|data/security-checks-v252.38.tsv|sdh_check_row|$(KB_CHECK_FIELDS) \
	checks_v262|data/security-checks-v262.tsv|sdh_check_row|$(KB_CHECK_FIELDS) \
	lint_rules|data/lint-rules.tsv|sdh_lint_rule|id:s,severity:s,summary:s,rationale:s,fix:s|lint/lint-tables.h \
	lint_deprecated|data/lint-deprecated.tsv|sdh_lint_deprecated|directive:s,replacement:S,note:s|lint/lint-tables.h \
	lint_jits|data/jit-runtimes.tsv|sdh_lint_jit|prefix:s,runtime:s|lint/lint-tables.h

kb_name = $(word 1,$(subst |, ,$(1)))
kb_tsv = $(word 2,$(subst |, ,$(1)))
kb_type = $(word 3,$(subst |, ,$(1)))
kb_fields = $(word 4,$(subst |, ,$(1)))
kb_header = $(word 5,$(subst |, ,$(1)))

KB_GEN := $(foreach t,$(KB_TABLES),$(BUILD)/gen/kb-$(call kb_name,$(t)).gen.c)

define kb_rule
$(BUILD)/gen/kb-$(call kb_name,$(1)).gen.c: $(call kb_tsv,$(1)) tools/gen-kb.awk Makefile
	@mkdir -p $$(@D)
	$$(Q)awk -f tools/gen-kb.awk -v table=$(call kb_name,$(1)) -v type=$(call kb_type,$(1)) \
		-v fields=$(call kb_fields,$(1)) $(if $(call kb_header,$(1)),-v header=$(call kb_header,$(1))) \
		$(call kb_tsv,$(1)) > $$@.tmp && mv $$@.tmp $$@
endef
$(foreach t,$(KB_TABLES),$(eval $(call kb_rule,$(t))))

-include mk/*.mk

LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS)) $(patsubst %.c,%.o,$(KB_GEN)) $(EXTRA_LIB_OBJS)
CLI_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRCS))
LIB := $(BUILD)/libsdharden.a
BIN := $(BUILD)/sdharden

TEST_SRCS := $(wildcard tests/unit/test-*.c)
TEST_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRCS))
FUZZ_SRCS := $(filter-out fuzz/fuzz-main.c,$(wildcard fuzz/fuzz-*.c))
FUZZ_REPLAY := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%-replay,$(FUZZ_SRCS))
FUZZ_BINS := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all check check-build format format-check tidy fuzz install clean bench e2e
.DEFAULT_GOAL := all

all: $(BIN)

$(BUILD)/%.o: %.c | $(KB_GEN) $(EXTRA_GEN)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/%.gen.o: $(BUILD)/gen/%.gen.c
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LIBS) $(EXTRA_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS) $(EXTRA_LIBS) -lcmocka

# Helpers run inside sandboxes and under tracers: no sanitizer runtime (bubblewrap's try-syscall).
$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -O1 -g -Wall -o $@ $< $(HELPER_LIBS)

$(BUILD)/fuzz/%-replay: fuzz/%.c fuzz/fuzz-main.c $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< fuzz/fuzz-main.c $(LIB) $(LIBS) $(EXTRA_LIBS)

$(BUILD)/fuzz/%: fuzz/%.c $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS) $(EXTRA_LIBS)

check-build: $(BIN) $(TEST_BINS) $(HELPER_BINS) $(FUZZ_REPLAY)

check: check-build
	BUILD=$(BUILD) tests/run.sh

# The library is instrumented too (fuzzer-no-link), or libFuzzer sees no coverage inside it.
fuzz:
	$(MAKE) CC=clang BUILD=$(BUILD)-fuzz SANITIZE=address,undefined \
		EXTRA_CFLAGS="$(EXTRA_CFLAGS) -fsanitize=fuzzer-no-link" \
		$(patsubst $(BUILD)/%,$(BUILD)-fuzz/%,$(FUZZ_BINS))

bench: $(BIN)
	@for b in bench/*; do [ -x "$$b" ] && BUILD=$(BUILD) "$$b"; done; true

e2e: $(BIN)
	BUILD=$(BUILD) tests/e2e/run.sh

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES)

tidy:
	clang-tidy -p . $(LIB_SRCS) $(CLI_SRCS)

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/sdharden
	install -D -m 0644 man/sdharden.1 $(DESTDIR)$(PREFIX)/share/man/man1/sdharden.1

clean:
	rm -rf $(BUILD)

# Dependency files only: test runs leave unit drop-in directories (*.d) under $(BUILD) too.
-include $(shell find $(BUILD) -name '*.d' -type f -not -path '*/corpus-cache/*' 2>/dev/null)
