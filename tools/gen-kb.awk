# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Turn one data/*.tsv knowledge table into a C array.
#
#   awk -f tools/gen-kb.awk -v table=NAME -v type=STRUCT -v fields=SPEC FILE.tsv
#
# SPEC is a comma-separated list of COLUMN:KIND, where COLUMN is a header name of the TSV and
# KIND says how the cell becomes a C initializer:
#   s  string ("" stays "")                 S  string, NULL when the cell is empty or "-"
#   u  unsigned decimal                     b  "yes" -> true, anything else -> false
#   v  systemd version "vNNN[.MM]" -> NNN*1000+MM (0 when unparsable)
#   n  syscall number: decimal, "not-native(-N)" -> -N, anything else -> -1
#
# -v header=PATH includes PATH (which must declare STRUCT) instead of kb/kb-tables.h.
#
# The output defines `const struct STRUCT sdh_kb_NAME[]` and `const size_t sdh_kb_NAME_count`,
# with the rows in file order (tests check any order a lookup relies on).  POSIX awk only: the
# fresh Debian image has mawk.

function cstr(s,    out) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function version(s,    a, n) {
	sub(/^v/, "", s)
	n = split(s, a, ".")
	if (a[1] !~ /^[0-9]+$/)
		return 0
	return a[1] * 1000 + (n > 1 && a[2] ~ /^[0-9]+$/ ? a[2] : 0)
}

function cell(kind, s) {
	if (kind == "s")
		return cstr(s)
	if (kind == "S")
		return (s == "" || s == "-") ? "NULL" : cstr(s)
	if (kind == "u")
		return (s ~ /^[0-9]+$/) ? s : "0"
	if (kind == "b")
		return (s == "yes") ? "true" : "false"
	if (kind == "v")
		return version(s)
	if (kind == "n") {
		if (s ~ /^[0-9]+$/)
			return s
		if (s ~ /^not-native\(-[0-9]+\)$/) {
			gsub(/[^0-9]/, "", s)
			return "-" s
		}
		return "-1"
	}
	printf("gen-kb.awk: unknown kind '%s'\n", kind) > "/dev/stderr"
	exit 1
}

BEGIN {
	FS = "\t"
	nf = split(fields, spec, ",")
	for (i = 1; i <= nf; i++) {
		split(spec[i], p, ":")
		col[i] = p[1]
		kind[i] = p[2]
	}
}

NR == 1 {
	for (i = 1; i <= NF; i++)
		idx[$i] = i
	for (i = 1; i <= nf; i++)
		if (!(col[i] in idx)) {
			printf("gen-kb.awk: %s: no column '%s'\n", FILENAME, col[i]) > "/dev/stderr"
			exit 1
		}
	printf("/* SPDX-License-Identifier: LGPL-2.1-or-later */\n")
	printf("/* GENERATED from %s by tools/gen-kb.awk: do not edit */\n\n", FILENAME)
	printf("#include <stdbool.h>\n#include <stddef.h>\n\n#include \"%s\"\n\n", header != "" ? header : "kb/kb-tables.h")
	printf("const struct %s sdh_kb_%s[] = {\n", type, table)
	next
}

/^[ \t]*$/ { next }

{
	line = "\t{"
	for (i = 1; i <= nf; i++)
		line = line sprintf(" .%s = %s,", col[i], cell(kind[i], $(idx[col[i]])))
	print line " },"
	rows++
}

END {
	printf("};\n\nconst size_t sdh_kb_%s_count = %d;\n", table, rows)
}
