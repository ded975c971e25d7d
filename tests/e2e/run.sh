#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The end-to-end check, what `make e2e` runs: real daemons under real systemd (252, PID 1 of a
# systemd-nspawn container), probed with their real clients.
#
#   BUILD=build tests/e2e/run.sh
#
# For each daemon: probe the stock service and record its exposure (systemd-analyze security,
# online, inside the container); harden it with sdharden (harden_unit, a hook); then apply
# over-hardened control drop-ins (controls/UNIT.MECHANISM.conf, one per mechanism at least) that
# MUST break the probe, which proves the sandbox is live, and remove each again, after which the
# probe must pass.  Finally the online scorer is compared with systemd-analyze (t-online-parity.sh).
#
# Needs root; exits 77 with a reason when this machine cannot run containers.  One container for
# the whole run (controls avoid DynamicUser=, whose state migration is one-way), always torn down.
# Ends with "N passed, N failed"; exit status 1 if anything failed.
set -euo pipefail
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$E2E_DIR/lib.sh"
# shellcheck source=tests/e2e/probes.sh
. "$E2E_DIR/probes.sh"

read -r -a UNITS <<<"${E2E_UNITS:-nginx.service redis-server.service memcached.service postgresql@15-main.service ssh.service}"
CT=sdh-e2e-$$
passed=0 failed=0 skipped=0
table=()

e2e_need_host
[ -x "$BUILD/sdharden" ] || {
    echo "no $BUILD/sdharden: build it first (make e2e does)" >&2
    exit 1
}

cleanup() {
    ct_stop "$CT" >/dev/null 2>&1 || true
    rm -f "${HARDENED:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# record UNIT CHECK EXPOSURE RESULT [DETAIL]: RESULT is PASS, FAIL or SKIP.
record() {
    case $4 in
        PASS) passed=$((passed + 1)) ;;
        SKIP) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) ;;
    esac
    table+=("$(printf '%-26s %-30s %-8s %-6s %s' "$1" "$2" "$3" "$4" "${5:-}")")
    printf '  %-26s %-30s %-8s %-6s %s\n' "$1" "$2" "$3" "$4" "${5:-}" >&2
}

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# The overall exposure systemd-analyze reports (online, inside the container), or "-".
exposure() {
    local e
    e=$(ct_exec "$1" timeout 20 systemd-analyze security --no-pager "$2" 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p') || true
    echo "${e:--}"
}

# Seccomp kills are audited in the HOST kernel log (type=1326).
seccomp_lines() { dmesg 2>/dev/null | grep -c 'type=1326' || true; }
seccomp_since() {
    local n
    n=$(dmesg 2>/dev/null | grep 'type=1326' | tail -n +$(($1 + 1)) |
        sed -n 's/.*comm="\([^"]*\)".*syscall=\([0-9]*\).*/\1:\2/p' | sort -u | paste -sd, -) || true
    if [ -n "$n" ]; then echo " seccomp-kill=$n"; fi
}

unit_state() {
    local out
    out=$(ct_exec "$1" systemctl show -p ActiveState -p Result -p NRestarts "$2" 2>/dev/null) || true
    printf '%s result=%s restarts=%s' "$(sed -n 's/^ActiveState=//p' <<<"$out")" \
        "$(sed -n 's/^Result=//p' <<<"$out")" "$(sed -n 's/^NRestarts=//p' <<<"$out")"
}

# The hand-written drop-ins to beat: UNIT.good.conf of the shared e2e material (research
# e2e-env.md section 2).  Their exposure is measured here, online, like everything else.
GOOD_DIR=$(cd "$E2E_DIR/../.." && pwd)/../shared
GOOD_DIR=${SDH_SHARED:-$GOOD_DIR}/e2e/units
# The suggest modes tried, each from the same profile (E2E_MODES, default both).
read -r -a MODES <<<"${E2E_MODES:-safe strict}"
# with_good CT UNIT [MODE]: UNIT's exposure (online) with its good.conf installed, and with
# MODE also sdharden's drop-in of that mode from /root/UNIT.prof; "-" without a good.conf.
# Nothing is restarted (PID 1 reports the settings after daemon-reload); both are removed again.
with_good() {
    local ct=$1 u=$2 mode=${3:-} e d=/etc/systemd/system/$2.d
    [ -f "$GOOD_DIR/${u%.service}.good.conf" ] || { echo -; return 0; }
    ct_exec "$ct" mkdir -p "$d"
    ct_exec "$ct" sh -c "cat >$d/40-e2e-good.conf" <"$GOOD_DIR/${u%.service}.good.conf"
    if [ -n "$mode" ]; then
        ct_exec "$ct" timeout 60 /opt/sdharden/sdharden suggest -p "/root/$u.prof" --mode="$mode" \
            "$u" --write >/dev/null 2>&1 || true
    fi
    ct_exec "$ct" systemctl daemon-reload
    e=$(exposure "$ct" "$u")
    [ -z "$mode" ] || ct_exec "$ct" /opt/sdharden/sdharden suggest "$u" --undo >/dev/null 2>&1 || true
    ct_exec "$ct" rm -f "$d/40-e2e-good.conf"
    ct_exec "$ct" systemctl daemon-reload
    echo "$e"
}

# harden_unit runs in a command substitution: its table rows go through a file.
HARDENED=$(mktemp /tmp/sdh-e2e-hardened.XXXXXX)

# ----------------------------------------------------------------------------------------------
# HOOK: harden_unit CT UNIT BEFORE MODE -- the sdharden pipeline, run inside the container
# against real systemd (E2E_HARDEN, default "profile"):
#     profile: sdharden profile of the unit while the probe exercises it (profile_unit, once per
#              unit: the modes share it), then
#     static:  no profile
#     sdharden suggest [-p PROFILE] --mode=MODE UNIT --write --reload; restart UNIT; probe
# Passes when the probe passes, the exposure is below BEFORE's, and `sdharden lint` and
# `sdharden analyze` accept the unit with the generated drop-in.  Return 0 pass, 1 fail, 2
# skipped; a message on stdout ending "BEFORE -> AFTER".  The drop-in is undone either way.
# ----------------------------------------------------------------------------------------------
harden_unit() {
    local ct=$1 u=$2 before=$3 mode=$4 sdh=/opt/sdharden/sdharden after rc=0 how=static
    local prof=() probe=ok lint=ok why=()
    case ${E2E_HARDEN:-profile} in
        static) ;;
        profile)
            ct_exec "$ct" test -s "/root/$u.prof" || profile_unit "$ct" "$u" || {
                echo "profiling failed: $(ct_exec "$ct" tail -n 2 "/root/$u.prof.log" 2>/dev/null | paste -sd' ')"
                return 1
            }
            how="profile ($(ct_exec "$ct" "$sdh" profile show "/root/$u.prof" 2>/dev/null |
                sed -n 's/^Syscalls: *\([0-9]*\) distinct.*/\1 syscalls/p'))"
            prof=(-p "/root/$u.prof")
            if [ -n "${E2E_KEEP:-}" ]; then
                mkdir -p "$E2E_KEEP"
                ct_exec "$ct" cat "/root/$u.prof" >"$E2E_KEEP/$u.prof" || true
            fi
            ;;
        *)
            echo "hardening skipped (E2E_HARDEN=${E2E_HARDEN})"
            return 2
            ;;
    esac
    prof+=(--mode="$mode")
    if ! ct_exec "$ct" timeout 60 "$sdh" suggest "${prof[@]}" "$u" --write --reload >/dev/null 2>&1; then
        echo "suggest --write failed: $(ct_exec "$ct" timeout 60 "$sdh" suggest "${prof[@]}" "$u" 2>&1 >/dev/null | tail -n 1)"
        return 1
    fi
    if [ -n "${E2E_KEEP:-}" ]; then
        ct_exec "$ct" cat "/etc/systemd/system/$u.d/50-sdharden.conf" >"$E2E_KEEP/$u.$mode.conf" || true
    fi
    # The generated drop-in round-trips: lint finds no error and analyze scores it.
    if ! ct_exec "$ct" timeout 30 "$sdh" lint --fail-on=error "$u" >/dev/null 2>&1; then
        lint="lint rejects it: $(ct_exec "$ct" timeout 30 "$sdh" lint --fail-on=error "$u" 2>&1 | grep -m1 error)"
    elif ! ct_exec "$ct" timeout 30 "$sdh" analyze "$u" >/dev/null 2>&1; then
        lint="analyze rejects it"
    fi
    restart_settle "$ct" "$u"
    after=$(exposure "$ct" "$u")
    if ! ct_probe_retry "$ct" "$u" 10; then
        probe="FAILS ($(unit_state "$ct" "$u"))"
        why+=("probe fails")
    fi
    if awk -v a="$after" -v b="$before" 'BEGIN { exit !(a == "-" || a + 0 > b + 0) }'; then
        why+=("exposure not lowered")
    fi
    [ "$lint" = ok ] || why+=("$lint")
    [ ${#why[@]} -eq 0 ] || rc=1
    printf '%-28s %-6s %-7s %-7s %-6s %-5s %s\n' "$u" "$mode" "$before" "$after" "${probe%% *}" \
        "${GOOD_EXPOSURE:--}" "$how" >>"$HARDENED"
    if [ $rc -eq 0 ]; then
        echo "$how: probe ok, lint+analyze ok, $before -> $after"
    else
        echo "$how: $(IFS=';'; echo "${why[*]}"), $before -> $after"
    fi
    ct_exec "$ct" timeout 60 "$sdh" suggest "$u" --undo --reload >/dev/null 2>&1 || true
    ct_exec "$ct" systemctl reset-failed "$u" >/dev/null 2>&1 || true
    restart_settle "$ct" "$u"
    return $rc
}

# profile_unit CT UNIT: /root/UNIT.prof inside CT, recorded by `sdharden profile --unit` (which
# restarts the unit once attached and records from its first exec: ExecStartPre=, ExecStart= and
# every child, not systemd's sandbox set-up) while the probe exercises it, for E2E_PROFILE_S
# seconds.
profile_unit() {
    local ct=$1 u=$2 rc=0 i st
    ct_exec "$ct" rm -f "/root/$u.prof"
    ct_exec "$ct" sh -c "timeout $((${E2E_PROFILE_S:-8} + 30)) /opt/sdharden/sdharden profile \
        --unit=$u --duration=${E2E_PROFILE_S:-8} -o /root/$u.prof \
        >/root/$u.prof.log 2>&1 & echo \$! > /root/$u.prof.pid"
    # Wait for the restart the profiler makes, then drive the daemon with its client.
    for ((i = 0; i < 50; i++)); do
        st=$(ct_exec "$ct" systemctl show -P ActiveState "$u" 2>/dev/null) || true
        [ "$i" -ge 5 ] && [ "$st" = active ] && break
        sleep 0.2
    done
    for ((i = 0; i < 3; i++)); do ct_probe "$ct" "$u" || true; sleep 0.5; done
    ct_exec "$ct" sh -c "while kill -0 \$(cat /root/$u.prof.pid) 2>/dev/null; do sleep 0.2; done"
    ct_exec "$ct" test -s "/root/$u.prof" || rc=1
    restart_settle "$ct" "$u"
    return $rc
}

# restart_settle CT UNIT: restart, bounded.  A broken Type=forking unit may never leave
# "activating" (postgresql@ has TimeoutStartSec=infinity and waits for a PID file that will not
# come): give up waiting after E2E_SETTLE_S seconds; the probe then decides.
restart_settle() {
    local i st
    ct_exec "$1" timeout "${E2E_SETTLE_S:-15}" systemctl restart "$2" >/dev/null 2>&1 || true
    for ((i = 0; i < 20; i++)); do
        st=$(ct_exec "$1" systemctl show -P ActiveState "$2" 2>/dev/null) || true
        case $st in activating | deactivating | reloading) sleep 0.2 ;; *) break ;; esac
    done
}

# control CT UNIT FILE: FILE must break UNIT; removing it must heal UNIT.
control() {
    local ct=$1 u=$2 f=$3 mech expo k0 t0 st extra
    local d=/etc/systemd/system/$u.d
    mech=$(basename "$f" .conf)
    mech=${mech#"$u".}
    ct_exec "$ct" mkdir -p "$d"
    ct_exec "$ct" sh -c "cat > $d/zz-sdh-e2e-control.conf" <"$f"
    ct_exec "$ct" systemctl daemon-reload
    expo=$(exposure "$ct" "$u")
    k0=$(seccomp_lines)
    t0=$(date +%s%N)
    restart_settle "$ct" "$u"
    if ct_probe_retry "$ct" "$u" 4; then
        record "$u" "over:$mech must fail" "$expo" FAIL "probe still passes: not enforced"
    else
        st=$(unit_state "$ct" "$u")
        extra=$(seccomp_since "$k0")
        record "$u" "over:$mech must fail" "$expo" PASS "probe fails ($st$extra, $(ms_since "$t0")ms)"
    fi
    ct_exec "$ct" rm -f "$d/zz-sdh-e2e-control.conf"
    ct_exec "$ct" systemctl daemon-reload
    ct_exec "$ct" systemctl reset-failed "$u" >/dev/null 2>&1 || true
    t0=$(date +%s%N)
    restart_settle "$ct" "$u"
    if ct_probe_retry "$ct" "$u" 20; then
        record "$u" "revert:$mech" "$(exposure "$ct" "$u")" PASS "probe ok ($(ms_since "$t0")ms)"
    else
        record "$u" "revert:$mech" "-" FAIL "probe still fails after removal ($(unit_state "$ct" "$u"))"
    fi
}

t_all=$(date +%s%N)
t0=$(date +%s%N)
if ! e2e_rootfs; then
    record rootfs build - FAIL "debootstrap/apt failed"
    echo "$passed passed, $failed failed"
    exit 1
fi
record rootfs "build or cache" - PASS "$(basename "$E2E_ROOTFS") ($(ms_since "$t0")ms)"

t0=$(date +%s%N)
if ! ct_boot "$CT"; then
    record container boot - FAIL "see messages above"
    echo "$passed passed, $failed failed"
    exit 1
fi
record container "boot (systemd as PID 1)" - PASS "$(cat "$E2E_STATE/$CT/state") ($(ms_since "$t0")ms)"
if ct_exec "$CT" /opt/sdharden/sdharden --version >/dev/null 2>&1; then
    record container "sdharden runs inside" - PASS "/opt/sdharden/sdharden"
else
    record container "sdharden runs inside" - FAIL "$(ct_exec "$CT" /opt/sdharden/sdharden --version 2>&1 | tail -n 1)"
fi

for u in "${UNITS[@]}"; do
    before=$(exposure "$CT" "$u")
    if ct_probe_retry "$CT" "$u" 20; then
        record "$u" "stock works" "$before" PASS "probe ok"
    else
        record "$u" "stock works" "$before" FAIL "probe fails ($(unit_state "$CT" "$u"))"
        continue
    fi
    best=- best_mode=
    GOOD_EXPOSURE=$(with_good "$CT" "$u")
    ct_exec "$CT" rm -f "/root/$u.prof"
    for mode in "${MODES[@]}"; do
        rc=0
        msg=$(harden_unit "$CT" "$u" "$before" "$mode") || rc=$?
        after=$(sed -n 's/.* -> \([0-9.-]*\)$/\1/p' <<<"$msg")
        case $rc in
            0)
                record "$u" "hardened works ($mode)" "$after" PASS "$msg"
                if [ "$best" = - ] || awk -v a="$after" -v b="$best" 'BEGIN { exit !(a + 0 < b + 0) }'; then
                    best=$after best_mode=$mode
                fi
                ;;
            2) record "$u" "hardened works ($mode)" - SKIP "$msg" ;;
            *) record "$u" "hardened works ($mode)" "${after:--}" FAIL "$msg" ;;
        esac
    done
    # The best mode that works must beat the hand-written drop-in, or tie with it where the two
    # together score no better (then good.conf holds nothing the generated one misses).
    good=$GOOD_EXPOSURE
    if [ "${E2E_HARDEN:-profile}" != profile ] || [ "$best" = - ]; then
        :
    elif [ "$good" = - ]; then
        record "$u" "below good.conf" "$best" SKIP "no $GOOD_DIR/${u%.service}.good.conf"
    elif awk -v a="$best" -v g="$good" 'BEGIN { exit !(a + 0 < g + 0) }'; then
        record "$u" "below good.conf" "$best" PASS "$best_mode $best < good.conf $good"
    elif both=$(with_good "$CT" "$u" "$best_mode") &&
        awk -v a="$best" -v g="$good" -v b="$both" 'BEGIN { exit !(a + 0 == g + 0 && b + 0 == a + 0) }'; then
        record "$u" "below good.conf" "$best" PASS \
            "$best_mode $best = good.conf $good, a floor: both drop-ins together also $both"
    else
        record "$u" "below good.conf" "$best" FAIL "$best_mode $best, good.conf $good (together ${both:--})"
    fi
done

for f in "$E2E_DIR"/controls/*.conf; do
    b=$(basename "$f" .conf)
    control "$CT" "${b%.*}" "$f"
done

rc=0
out=$("$E2E_DIR/t-online-parity.sh" "$CT" 2>&1) || rc=$?
printf '%s\n' "$out" | sed 's/^/    parity: /' >&2
summary=$(printf '%s\n' "$out" | tail -n 1)
case $rc in
    0) record sdharden "analyze --online parity" - PASS "$summary" ;;
    77) record sdharden "analyze --online parity" - SKIP "$summary" ;;
    *) record sdharden "analyze --online parity" - FAIL "$summary" ;;
esac
rc=0; out=$("$E2E_DIR/t-profile-unit.sh" "$CT" 2>&1) || rc=$?; printf '%s\n' "$out" | sed 's/^/    profile-unit: /' >&2; record sdharden "profile --unit nginx, redis" - "$(case $rc in 0) echo PASS ;; 77) echo SKIP ;; *) echo FAIL ;; esac)" "$(tail -n 1 <<<"$out")"

echo
printf '%-26s %-30s %-8s %-6s %s\n' UNIT CHECK EXPOSURE RESULT DETAIL
printf '%s\n' "${table[@]}"
if [ -s "$HARDENED" ]; then
    echo
    printf '%-28s %-6s %-7s %-7s %-6s %-5s %s\n' "HARDENED (${E2E_HARDEN:-profile})" MODE BEFORE \
        AFTER PROBE GOOD HOW
    cat "$HARDENED"
    for mode in "${MODES[@]}"; do
        awk -v m="$mode" '$2 == m { print $4 }' "$HARDENED" | sort -n |
            awk -v m="$mode" '{ v[NR] = $1 } END { if (NR) printf "median exposure after (%s): %s\n", m, NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
    done
fi
echo
echo "total $(ms_since "$t_all")ms, $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
