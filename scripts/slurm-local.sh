#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, from Debian's packages, for running docs/scaling.md's job array for
# real (test/scaling/slurm.test.ts) or by hand.
#   bash scripts/slurm-local.sh start   # installs slurm-wlm + munge when missing (root), starts munged, slurmctld, slurmd
#   bash scripts/slurm-local.sh stop    # cancels every job, stops the daemons (munged is left alone if it was running)
#   bash scripts/slurm-local.sh env     # prints the export line the client commands need (SLURM_CONF)
# Everything it writes (slurm.conf, state, spool, logs) lives in $TGR_SLURM_DIR (default /tmp/tgr-slurm); nothing
# under /etc/slurm is touched. When it cannot start it says why in one line on stderr and exits 3.
set -euo pipefail
dir="${TGR_SLURM_DIR:-/tmp/tgr-slurm}"
conf="$dir/slurm.conf"
cmd="${1:-start}"

fail() { echo "slurm-local: $*" >&2; exit 3; }

install_packages() {
  local missing=()
  for p in slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || fail "needs ${missing[*]}: run as root, or install them with apt-get first"
  apt-get update -qq >/dev/null || fail "apt-get update failed: no package repository reachable"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed"
}

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  [ -s /etc/munge/munge.key ] || { mungekey --create >/dev/null 2>&1 && chown munge:munge /etc/munge/munge.key; } \
    || fail "no munge key and mungekey --create failed"
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- /usr/sbin/munged >/dev/null 2>&1 || /usr/sbin/munged --force >/dev/null 2>&1 \
    || fail "munged would not start (see /var/log/munge/munged.log)"
  for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "munged started but does not answer"
}

write_conf() {
  local host node
  host="$(hostname -s)"
  # slurmd -C reports this host's real CPUs, sockets and memory in slurm.conf's own NodeName syntax.
  node="$(slurmd -C | head -1)"
  [[ "$node" == NodeName=* ]] || fail "slurmd -C did not describe this node: $node"
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  cat >"$conf" <<EOF
ClusterName=tgr-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=${TGR_SLURMCTLD_PORT:-6817}
SlurmdPort=${TGR_SLURMD_PORT:-6818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
JobRequeue=1
MpiDefault=none
$node State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

stop_daemons() {
  if [ -f "$conf" ]; then SLURM_CONF="$conf" scancel --full --quiet --user="$(id -un)" 2>/dev/null || true; fi
  for d in slurmd slurmctld; do
    if [ -f "$dir/$d.pid" ]; then kill "$(cat "$dir/$d.pid")" 2>/dev/null || true; fi
  done
  for _ in $(seq 50); do
    pgrep -f "$conf" >/dev/null || break
    sleep 0.1
  done
  pkill -9 -f "$conf" 2>/dev/null || true
  rm -f "$dir/slurmd.pid" "$dir/slurmctld.pid"
}

case "$cmd" in
  start)
    install_packages
    start_munge
    stop_daemons
    rm -rf "$dir/state" "$dir/spool"
    write_conf
    /usr/sbin/slurmctld -f "$conf" -i >/dev/null 2>&1 || fail "slurmctld would not start (see $dir/log/slurmctld.log)"
    /usr/sbin/slurmd -f "$conf" >/dev/null 2>&1 || fail "slurmd would not start (see $dir/log/slurmd.log)"
    for _ in $(seq 100); do
      state="$(SLURM_CONF="$conf" sinfo -h -o %t 2>/dev/null || true)"
      if [ "$state" = idle ] || [ "$state" = mix ]; then
        echo "slurm-local: one-node cluster up ($(head -c 200 <<<"$(grep '^NodeName' "$conf")")); export SLURM_CONF=$conf"
        exit 0
      fi
      sleep 0.2
    done
    fail "the node did not become idle (sinfo says '${state:-nothing}'; see $dir/log/)"
    ;;
  stop)
    stop_daemons
    echo "slurm-local: stopped"
    ;;
  env)
    echo "export SLURM_CONF=$conf"
    ;;
  *)
    echo "usage: bash scripts/slurm-local.sh start|stop|env" >&2
    exit 2
    ;;
esac
