#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad input and stopping: clear message, right exit code, nothing left running or loaded.
. "${TOP:-$(dirname "$0")/../..}/tests/lib.sh"
need_root
command -v jq >/dev/null || skip "no jq"
# Our programs are gone once we exit.  Other tests may be profiling at the same time, so wait
# (up to 10 s) for the count to reach what it was.
bpf_progs() {
    local n i
    for i in $(seq 50); do
        n=$(bpftool prog list 2>/dev/null | grep -c ' name on_sys_enter ' || true)
        [ "$n" -le "${before:-0}" ] && break
        sleep 0.2
    done
    echo "$n"
}
before=0
before=$(bpf_progs)

for b in seccomp bpf; do
    expect_exit 2 "$SDH" profile --backend=$b -o "$WORK/x.json" -- sdh-no-such-command-xyz
    assert_file_has_content "$WORK/err" "command not found: 'sdh-no-such-command-xyz'"
    [ ! -e "$WORK/x.json" ] || fail "a profile was written for a missing command ($b)"
done
expect_exit 2 "$SDH" profile --backend=nope -- true
assert_file_has_content "$WORK/err" "invalid backend 'nope'"
expect_exit 2 "$SDH" profile
expect_exit 2 "$SDH" profile --pid=1 -- true
expect_exit 2 "$SDH" profile --backend=seccomp --pid=$$
assert_file_has_content "$WORK/err" "need the bpf back end"
expect_exit 2 "$SDH" profile --backend=bpf --cgroup=/sys/fs/cgroup/sdh-no-such-cgroup

# no permission for BPF: an unprivileged user
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    expect_exit 4 setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
        "$SDH" profile --backend=bpf -o /dev/null -- true
    assert_file_has_content "$WORK/err" "permission denied: the bpf back end needs"
fi
assert_streq "$(bpf_progs)" "$before" "BPF programs left loaded"

# stopping early: --duration and SIGINT end the command and mark the profile incomplete
for b in seccomp bpf; do
    expect_exit 0 "$SDH" profile --backend=$b --duration=0.3 -o "$WORK/d.json" -- sleep 30
    assert_streq "$(jq -r '.meta.complete' "$WORK/d.json")" false
    assert_streq "$(jq -r '.meta.exit_signal' "$WORK/d.json")" 15
    "$SDH" profile --backend=$b -o "$WORK/i.json" -- sleep 31 & sdh=$!
    sleep 0.5
    kill -INT $sdh
    wait $sdh || fail "profile exited $? after SIGINT ($b)"
    assert_streq "$(jq -r '.meta.complete' "$WORK/i.json")" false
done
! pgrep -x -f 'sleep 3[01]' >/dev/null || fail "traced processes left running"
assert_streq "$(bpf_progs)" "$before" "BPF programs left loaded"

# merge and show
"$SDH" profile --backend=seccomp -o "$WORK/a.json" -- true
"$SDH" profile --backend=seccomp -o "$WORK/b.json" -- cat /etc/hostname >/dev/null
expect_exit 0 "$SDH" profile merge "$WORK/a.json" "$WORK/b.json" -o "$WORK/m.json"
assert_streq "$(jq -r '.meta.merged, .meta.backend' "$WORK/m.json" | tr '\n' ' ')" "2 merged "
want=$(jq -r '.syscalls[].name' "$WORK/a.json" "$WORK/b.json" | sort -u)
assert_streq "$(jq -r '.syscalls[].name' "$WORK/m.json")" "$want"
for s in execve read; do
    sum=$(jq --arg s "$s" '[.syscalls[] | select(.name == $s) | .count] | add' "$WORK/a.json" "$WORK/b.json" | jq -s 'add')
    assert_streq "$(jq --arg s "$s" '.syscalls[] | select(.name == $s) | .count' "$WORK/m.json")" "$sum"
done
jq -e '.files[] | select(.path == "/etc/hostname" and .access == "read")' "$WORK/m.json" >/dev/null ||
    fail "merge lost a file record"
expect_exit 0 "$SDH" profile show "$WORK/m.json"
assert_file_has_content "$WORK/out" "^Merged: +2 profiles"
assert_file_has_content "$WORK/out" "/usr/bin/cat"
echo '{"version": 2}' >"$WORK/bad.json"
expect_exit 1 "$SDH" profile show "$WORK/bad.json"
assert_file_has_content "$WORK/err" "invalid profile"
expect_exit 1 "$SDH" profile merge "$WORK/a.json" "$WORK/nonexistent.json"
assert_file_has_content "$WORK/err" "cannot read profile"
