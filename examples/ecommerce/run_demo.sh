#!/usr/bin/env bash
# `make demo`: runs the e-commerce flow (ecommerce_demo) against a TernMQ.
#
#   bash examples/ecommerce/run_demo.sh [--fresh] [--work-dir DIR] [ecommerce_demo options...]
#
# Uses the nameserver at $NAMESRV (default 127.0.0.1:9876) when one answers
# there, e.g. a `make run` in another shell. Otherwise, or with --fresh, starts
# `ternmq dev` on free ports, with data in a temporary directory and short
# timers so that the demo takes seconds (retry delays of 1 s instead of
# 10 s, 30 s, ...; transaction check-backs after 1 s instead of 6 s), and
# stops it afterwards. Exits with the demo's status: 0 when every invariant
# holds. Binaries: $TERNMQ_BIN (build/bin/ternmq), $DEMO_BIN
# (build/examples/ecommerce_demo).
set -u
TERNMQ=${TERNMQ_BIN:-build/bin/ternmq}
DEMO=${DEMO_BIN:-${TERNMQ_EXAMPLES:-build/examples}/ecommerce_demo}
NAMESRV=${NAMESRV:-127.0.0.1:9876}
DELAY_LEVELS="1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s"
# 16 MiB CommitLog segments instead of 1 GiB: a demo server's data stays small.
DEV_KEYS=(--messageDelayLevel="$DELAY_LEVELS" --transactionTimeOut=1000 --transactionCheckInterval=1000
          --mappedFileSizeCommitLog=16777216)

fresh=0
work=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) fresh=1 ;;
    --work-dir) work="$2"; shift ;;  # logs here, left in place (default: a temporary directory)
    *) args+=("$1") ;;
  esac
  shift
done

own_work=0
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/ternmq-demo.XXXXXX") || exit 2
  own_work=1
fi
mkdir -p "$work" || exit 2
dev_pid=""
rc=2
cleanup() {
  if [ -n "$dev_pid" ]; then
    kill -TERM "$dev_pid" 2>/dev/null
    wait "$dev_pid" 2>/dev/null
  fi
  if [ "$rc" -ne 0 ] && [ -s "$work/demo.log" ]; then
    echo "last SDK warnings and errors ($work/demo.log):"
    grep -v " INFO " "$work/demo.log" | tail -n 20
  fi
  # The data goes; the logs stay when something failed.
  rm -rf "$work/dev" "$work/stores"
  if [ "$rc" -eq 0 ] && [ "$own_work" = 1 ]; then rm -rf "$work"; else echo "logs in $work"; fi
}
trap cleanup EXIT

if [ "$fresh" = 0 ] && "$TERNMQ" admin clusterList -n "$NAMESRV" >/dev/null 2>&1; then
  echo "using the TernMQ already running at $NAMESRV"
  levels=$("$TERNMQ" admin getBrokerConfig -n "$NAMESRV" -c DefaultCluster 2>/dev/null |
           sed -n 's/.*messageDelayLevel *= *//p' | head -n 1)
  echo "  its messageDelayLevel: ${levels:-unknown}"
  echo "  (retries wait from level 3 on and check-backs follow transactionTimeOut: with the"
  echo "   defaults the demo takes about a minute; 'bash $0 --fresh' starts a fast dev instead)"
else
  "$TERNMQ" dev -p 0 --broker-port 0 --data-dir "$work/dev" "${DEV_KEYS[@]}" \
    >"$work/dev.out" 2>"$work/dev.log" &
  dev_pid=$!
  for _ in $(seq 1 200); do
    grep -q "The broker\[" "$work/dev.out" 2>/dev/null && break
    kill -0 "$dev_pid" 2>/dev/null || break
    sleep 0.1
  done
  NAMESRV=$(sed -n 's/.*The Name Server boot success.*listen=\([0-9.:]*\).*/\1/p' "$work/dev.out")
  if [ -z "$NAMESRV" ] || ! grep -q "The broker\[" "$work/dev.out"; then
    echo "ternmq dev did not start; its log:" >&2
    cat "$work/dev.log" >&2
    exit 2
  fi
  echo "started ternmq dev (pid $dev_pid, nameserver $NAMESRV, data in $work/dev) with"
  echo "  messageDelayLevel=\"$DELAY_LEVELS\" transactionTimeOut=1000 transactionCheckInterval=1000"
  echo "  mappedFileSizeCommitLog=16777216"
fi

echo "SDK log lines go to $work/demo.log"
"$DEMO" -n "$NAMESRV" --data-dir "$work/stores" "${args[@]}" 2>"$work/demo.log"
rc=$?

echo
echo "mqadmin view of the inventory group's dead-letter queue:"
if "$TERNMQ" admin dlqList --help >/dev/null 2>&1; then
  echo "\$ ternmq admin dlqList -n $NAMESRV -g shop-inventory"
  "$TERNMQ" admin dlqList -n "$NAMESRV" -g shop-inventory
else
  echo "\$ ternmq admin topicStatus -n $NAMESRV -t %DLQ%shop-inventory"
  "$TERNMQ" admin topicStatus -n "$NAMESRV" -t %DLQ%shop-inventory
fi
exit $rc
