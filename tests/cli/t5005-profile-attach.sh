#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Attaching without a restart (bpf): --cgroup waits for a cgroup that is empty at the start and
# ends when it is empty again; --cgroup and --pid follow what is ALREADY running (the process,
# its threads and its children), not only what starts later.  In a fresh cgroup2 directory of
# our own; skips when there is no writable cgroup2 hierarchy.
. "${TOP:-$(dirname "$0")/../..}/tests/lib.sh"
need_root
command -v jq >/dev/null || skip "no jq"
helper=$TOP/$BUILD/tests/helpers/profile-idle
[ -x "$helper" ] || fail "no $helper"
"$SDH" profile --backend=bpf -o /dev/null -- true 2>"$WORK/probe" ||
    skip "bpf not permitted here: $(cat "$WORK/probe")"

# cgroup2: the whole of /sys/fs/cgroup, or its "unified" part on a hybrid host.
cg2=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    if [ "$(stat -f -c %T "$d" 2>/dev/null)" = cgroup2fs ]; then cg2=$d; break; fi
done
[ -n "$cg2" ] || skip "no cgroup2 hierarchy mounted"
CG=$cg2/sdh-t5005-$$
mkdir "$CG" 2>/dev/null || skip "cgroup2 at $cg2 is not writable"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    # A cgroup can be removed once its processes are gone (reaped above).
    for _ in $(seq 50); do rmdir "$CG" 2>/dev/null && break; [ -d "$CG" ] || break; sleep 0.1; done
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_file() { for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.05; done; fail "no $1"; }
# The profile records the three opens: main, thread, child.
check_opens() {
    local p=$1 d=$2 f
    for f in main thread child; do
        jq -e --arg p "$d/$f.txt" '.files[] | select(.path == $p and .access == "create")' "$p" \
            >/dev/null || { jq -c '.files[]' "$p" >&2; fail "$3: no create of $d/$f.txt"; }
    done
}

# (a) empty at the start: waited for (well past 0.5 s), then followed from its execve, and the
# run ends by itself when the cgroup is empty again.
mkdir "$WORK/a"
"$SDH" profile --cgroup="$CG" --duration=20 -o "$WORK/a.json" 2>"$WORK/a.err" & sdh=$!
pids+=("$sdh")
sleep 1.5
kill -0 "$sdh" || { cat "$WORK/a.err" >&2; fail "--cgroup gave up on an empty cgroup"; }
t0=$(date +%s)
sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" "$3"' sh "$CG" "$helper" "$WORK/a" & h=$!
pids+=("$h")
wait_file "$WORK/a/ready"
touch "$WORK/a/go"
wait "$h" || fail "helper failed"
wait "$sdh" || { cat "$WORK/a.err" >&2; fail "profile --cgroup exited $?"; }
[ $(($(date +%s) - t0)) -lt 10 ] || fail "--cgroup did not end when the cgroup emptied"
assert_streq "$(jq -r '.meta.target, .meta.complete, .meta.traced' "$WORK/a.json" | tr '\n' ' ')" \
    "cgroup true true "
check_opens "$WORK/a.json" "$WORK/a" "cgroup, empty at start"
jq -e '.exec[] | select(.path | endswith("/profile-idle"))' "$WORK/a.json" >/dev/null ||
    fail "the exec into the cgroup was not recorded"

# (b) already running in the cgroup before we attach: seeded from the kernel's task list.
mkdir "$WORK/b"
sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" "$3"' sh "$CG" "$helper" "$WORK/b" & h=$!
pids+=("$h")
wait_file "$WORK/b/ready"
"$SDH" profile --cgroup="$CG" --duration=20 -o "$WORK/b.json" 2>"$WORK/b.err" & sdh=$!
pids+=("$sdh")
sleep 1
touch "$WORK/b/go"
wait "$h" || fail "helper failed"
wait "$sdh" || { cat "$WORK/b.err" >&2; fail "profile --cgroup exited $?"; }
assert_streq "$(jq -r '.meta.complete, .meta.traced' "$WORK/b.json" | tr '\n' ' ')" "true true "
check_opens "$WORK/b.json" "$WORK/b" "cgroup, already running"

# (b) --pid: the process, its thread and its child, all running before we attach.
mkdir "$WORK/c"
"$helper" "$WORK/c" & h=$!
pids+=("$h")
wait_file "$WORK/c/ready"
"$SDH" profile --pid="$h" --duration=20 -o "$WORK/c.json" 2>"$WORK/c.err" & sdh=$!
pids+=("$sdh")
sleep 1
touch "$WORK/c/go"
wait "$h" || fail "helper failed"
wait "$sdh" || { cat "$WORK/c.err" >&2; fail "profile --pid exited $?"; }
assert_streq "$(jq -r '.meta.target, .meta.complete, .meta.traced' "$WORK/c.json" | tr '\n' ' ')" \
    "pid true true "
check_opens "$WORK/c.json" "$WORK/c" "pid"

# An empty cgroup until --duration: an incomplete, empty profile that says so.
expect_exit 0 "$SDH" profile --cgroup="$CG" --duration=0.7 -o "$WORK/e.json"
assert_streq "$(jq -r '.meta.complete, .meta.traced' "$WORK/e.json" | tr '\n' ' ')" "false false "
assert_file_has_content "$WORK/err" "nothing was traced"
# A pid that does not exist.
expect_exit 2 "$SDH" profile --pid=999999999 -o "$WORK/x.json"
expect_exit 2 "$SDH" profile --pid=4000000 -o "$WORK/x.json"
assert_file_has_content "$WORK/err" "no such process"
