#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# profile-exercise under `sdharden profile`: the profile holds exactly the expected records of
# every category.  Also run by t5002 with PROFILE_BACKEND=bpf.
. "${TOP:-$(dirname "$0")/../..}/tests/lib.sh"
backend=${PROFILE_BACKEND:-seccomp}
need_root
command -v jq >/dev/null || skip "no jq"
helper=$TOP/$BUILD/tests/helpers/profile-exercise
[ -x "$helper" ] || fail "no $helper"
if [ "$backend" = bpf ]; then
    "$SDH" profile --backend=bpf -o /dev/null -- true 2>"$WORK/probe" ||
        skip "bpf not permitted here: $(cat "$WORK/probe")"
fi

mkdir "$WORK/d"
sleep 60 & foreign=$!
trap 'kill $foreign 2>/dev/null; rm -rf "$WORK"' EXIT
expect_exit 0 "$SDH" profile --backend="$backend" -o "$WORK/p.json" -- "$helper" "$WORK/d" "$foreign"
p=$WORK/p.json
D=$WORK/d

assert_streq "$(jq -r '.version' "$p")" 1
assert_streq "$(jq -r '.meta.backend' "$p")" "$backend"
assert_streq "$(jq -r '.meta.exit_status, .meta.complete' "$p" | tr '\n' ' ')" "0 true "
assert_streq "$(jq -r '.meta.processes' "$p")" 4

# events: exactly these
jq -r '.events[] | "\(.kind) \(.syscall) \(.detail) ok=\(.ok) failed=\(.failed)"' "$p" >"$WORK/events"
cat >"$WORK/events.want" <<EOW
bpf bpf cmd 9999 ok=0 failed=1
clock settimeofday  ok=1 failed=0
hostname sethostname sdh-exercise ok=1 failed=0
kernel-log syslog type 10 ok=1 failed=0
kexec kexec_file_load  ok=0 failed=1
keyring keyctl op 0 ok=1 failed=0
mlock mlock  ok=1 failed=0
module delete_module sdh_no_such_module ok=0 failed=1
module finit_module  ok=0 failed=1
mount mount / ok=1 failed=0
namespace setns CLONE_NEWUTS ok=1 failed=0
namespace unshare CLONE_NEWNS|CLONE_NEWUTS ok=1 failed=0
perf perf_event_open  ok=0 failed=1
personality personality 0x0 ok=1 failed=0
proc-sys-write openat /proc/sys/kernel/hostname ok=1 failed=0
ptrace ptrace request 3 ok=0 failed=1
realtime sched_setscheduler SCHED_FIFO ok=1 failed=0
reboot reboot 0x0 ok=0 failed=1
setgid setgid 0 ok=1 failed=0
setuid setuid 0 ok=1 failed=0
signal-foreign kill SIGCONT to a process ok=1 failed=0
suid-bit chmod $D/sub/new.txt 4755 ok=1 failed=0
sys-write openat /sys/kernel/sdh-exercise ok=0 failed=2
wx-mapping mmap PROT_WRITE|PROT_EXEC ok=1 failed=0
wx-mapping mprotect PROT_EXEC ok=1 failed=0
EOW
diff -u "$WORK/events.want" "$WORK/events" || fail "events differ ($backend)"

# sockets (the connect port is the kernel's choice)
jq -r '.sockets[] | "\(.op) \(.family) \(.type) \(.address) \(if .op == "connect" then "PORT" else .port end) \(.ok)/\(.failed)"' "$p" >"$WORK/sockets"
port=$(jq -r '.sockets[] | select(.op == "connect") | .port' "$p")
[ "$port" -gt 0 ] || fail "connect port $port"
cat >"$WORK/sockets.want" <<EOW
bind AF_INET SOCK_DGRAM 127.0.0.1 1 1/0
bind AF_INET SOCK_STREAM 127.0.0.1 0 1/0
bind AF_UNIX SOCK_STREAM $D/sock 0 1/0
connect AF_INET SOCK_STREAM 127.0.0.1 PORT 1/0
listen AF_INET SOCK_STREAM 127.0.0.1 0 1/0
socket AF_INET SOCK_DGRAM  0 1/0
socket AF_INET SOCK_STREAM  0 2/0
socket AF_UNIX SOCK_STREAM  0 1/0
EOW
diff -u "$WORK/sockets.want" "$WORK/sockets" || fail "sockets differ ($backend)"

# devices and executables
assert_streq "$(jq -c '[.devices[] | [.path, .type, .major, .minor, .mode, .ok]]' "$p")" \
    '[["/dev/null","c",1,3,"rw",1]]'
jq -r '.exec[] | "\(.path) \(.interpreter) \(.ok)/\(.failed)"' "$p" >"$WORK/exec"
interp=$(readlink -f /lib64/ld-linux-x86-64.so.2 >/dev/null && echo /lib64/ld-linux-x86-64.so.2)
cat >"$WORK/exec.want" <<EOW
$D/script.sh /bin/sh 1/0
/bin/true $interp 1/0
$helper $interp 1/0
EOW
sort "$WORK/exec" >"$WORK/exec.s"; sort "$WORK/exec.want" >"$WORK/exec.want.s"
diff -u "$WORK/exec.want.s" "$WORK/exec.s" || fail "exec differs ($backend)"

# files under the test directory: resolved through the dirfd and the cwd
jq -r --arg d "$D" '.files[] | select(.path | startswith($d)) | "\(.path) \(.access) \(.ok)/\(.failed)"' "$p" >"$WORK/files"
cat >"$WORK/files.want" <<EOW
$D/script.sh create 1/0
$D/script.sh exec 1/0
$D/script.sh read 1/0
$D/script.sh write 1/0
$D/sub mkdir 1/0
$D/sub/new.txt create 1/0
$D/sub/new.txt write 1/0
$D/sub/new.txt read 1/0
$D/sub/new.txt delete 1/0
$D/sub/new.txt chmod 1/0
$D/sub/new.txt chown 1/0
$D read 1/0
EOW
sort "$WORK/files" >"$WORK/files.s"; sort "$WORK/files.want" >"$WORK/files.want.s"
diff -u "$WORK/files.want.s" "$WORK/files.s" || fail "files differ ($backend)"
assert_streq "$(jq -r '.files[] | select(.path == "/nonexistent-sdh-exercise") | "\(.access) \(.failed) \(.error)"' "$p")" "read 1 ENOENT"

# syscalls: the exercised ones are all there, with names
for s in openat mkdir chdir unlink chmod chown socket bind listen connect unshare setns \
    sethostname mount personality setuid setgid finit_module delete_module kexec_file_load \
    reboot settimeofday syslog keyctl ptrace mmap mprotect mlock bpf perf_event_open kill \
    execve sched_setscheduler; do
    [ "$(jq --arg s "$s" '[.syscalls[] | select(.name == $s)] | length' "$p")" = 1 ] ||
        fail "syscall $s missing ($backend)"
done

# capabilities: only the bpf back end sees them
if [ "$backend" = bpf ]; then
    for c in CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_TIME CAP_SYSLOG CAP_SYS_NICE CAP_NET_BIND_SERVICE CAP_SETUID; do
        [ "$(jq -r --arg c "$c" '.capabilities[] | select(.name == $c) | .needed' "$p")" = true ] ||
            fail "capability $c not recorded as needed"
    done
    jq -e '.capabilities[] | select(.name == "CAP_SYS_ADMIN") | .routine > 0 and (.syscalls | index("mount") != null) and (.syscalls | index("mmap") == null)' "$p" >/dev/null ||
        fail "CAP_SYS_ADMIN routine checks not told apart"
else
    assert_streq "$(jq '.capabilities | length' "$p")" 0
fi
echo "ok: $backend"
