# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# Sourced: one functional check per daemon, with its real client.  probe_<unit> runs INSIDE the
# container (ct_probe ships its text there) and returns 0 iff the service does its job: answering
# on its port is not enough (sshd without chroot() listens but every login dies), so each probe
# does real work.  Every client call is bounded in time; a probe never takes more than ~10 s.

probe_nginx() {
    curl -fsS -o /dev/null --max-time 3 http://127.0.0.1/
}

probe_redis_server() {
    [ "$(timeout 3 redis-cli -h 127.0.0.1 ping)" = PONG ] &&
        timeout 3 redis-cli -h 127.0.0.1 set sdh-e2e v >/dev/null &&
        timeout 3 redis-cli -h 127.0.0.1 save | grep -q OK
}

probe_memcached() {
    printf 'set sdh-e2e 0 0 1\r\nx\r\nget sdh-e2e\r\nquit\r\n' |
        timeout 4 nc -q1 -w3 127.0.0.1 11211 | grep -q '^VALUE sdh-e2e'
}

probe_postgresql_15_main() {
    timeout 4 pg_isready -q -h 127.0.0.1 -t 3 &&
        timeout 4 runuser -u postgres -- psql -qtA -c \
            'create table if not exists sdh_e2e(x int); insert into sdh_e2e values (1); select count(*) from sdh_e2e' \
            >/dev/null
}

probe_ssh() {
    timeout 6 ssh -n -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o LogLevel=ERROR -o ConnectTimeout=3 root@127.0.0.1 'echo sdh-e2e-ok' | grep -qx sdh-e2e-ok
}

# probe_fn UNIT: the name of UNIT's probe function ("postgresql@15-main" -> probe_postgresql_15_main).
probe_fn() {
    local u=${1%.service}
    u=${u//[-@.]/_}
    echo "probe_$u"
}

# ct_probe CT UNIT: run UNIT's probe once inside container CT.
ct_probe() {
    local fn
    fn=$(probe_fn "$2")
    { declare -f "$fn"; echo "$fn"; } | ct_exec "$1" timeout 12 bash -s >/dev/null 2>&1
}

# ct_probe_retry CT UNIT SECONDS: retry the probe until it passes or SECONDS have passed (a
# Type=simple daemon can die after `systemctl restart` returned; a slow one may not be up yet).
ct_probe_retry() {
    local end=$((SECONDS + $3)) i
    for ((i = 0; i < 100; i++)); do
        ct_probe "$1" "$2" && return 0
        [ "$SECONDS" -ge "$end" ] && return 1
        sleep 0.3
    done
    return 1
}
