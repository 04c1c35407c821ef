# The local infrastructure: a Kafka-protocol broker (librdkafka's mock cluster in a small .NET host,
# src/LocalBroker) and Debian's redis-server. Both listen on loopback only.
# Setting Kafka__BootstrapServers / Redis__Configuration means "use that one": nothing is started.
# shellcheck shell=bash

KKBOX_BROKER_LISTEN="${KKBOX_BROKER_LISTEN:-127.0.0.1:9092}"
KKBOX_REDIS_PORT="${KKBOX_REDIS_PORT:-6391}"
BROKER_PID="$KKBOX_STATE/run/broker.pid"
BROKER_READY="$KKBOX_STATE/run/broker.ready"
REDIS_PID="$KKBOX_STATE/run/redis.pid"
STARTED_BROKER=0
STARTED_REDIS=0

external_kafka() { [ -n "${Kafka__BootstrapServers:-}" ] && [ "${Kafka__BootstrapServers}" != "$KKBOX_BROKER_LISTEN" ]; }
external_redis() { [ -n "${Redis__Configuration:-}" ] && [ "${Redis__Configuration}" != "127.0.0.1:$KKBOX_REDIS_PORT" ]; }

# Every program started from here finds the infrastructure through these two settings.
export_settings() {
  export Kafka__BootstrapServers="${Kafka__BootstrapServers:-$KKBOX_BROKER_LISTEN}"
  export Redis__Configuration="${Redis__Configuration:-127.0.0.1:$KKBOX_REDIS_PORT}"
}

# Bounded: something else squatting on the port may accept the connection and never answer.
redis_ping() { timeout 2 redis-cli -p "$KKBOX_REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

broker_up() {
  if external_kafka; then say "Kafka: using ${Kafka__BootstrapServers} (not starting the local broker)"; return 0; fi
  if pid_alive "$BROKER_PID" && [ -f "$BROKER_READY" ]; then say "broker: already up on $KKBOX_BROKER_LISTEN"; return 0; fi
  local log="$KKBOX_STATE/logs/broker.log"
  rm -f "$BROKER_READY"
  say "broker: starting on $KKBOX_BROKER_LISTEN (librdkafka mock cluster, memory only)"
  setsid nohup dotnet "$(dll_of LocalBroker)" --listen "$KKBOX_BROKER_LISTEN" --ready-file "$BROKER_READY" \
    >"$log" 2>&1 < /dev/null &
  echo $! >"$BROKER_PID"
  local i
  for i in $(seq 1 200); do
    [ -f "$BROKER_READY" ] && { STARTED_BROKER=1; say "broker: ready on $KKBOX_BROKER_LISTEN"; return 0; }
    if ! pid_alive "$BROKER_PID"; then
      tail -n 5 "$log" >&2
      rm -f "$BROKER_PID"
      die "the local broker did not start (is $KKBOX_BROKER_LISTEN taken? full log: $log)"
    fi
    sleep 0.1
  done
  die "the local broker was not ready after 20 s (log: $log)"
}

redis_up() {
  if external_redis; then say "Redis: using ${Redis__Configuration} (not starting a local one)"; return 0; fi
  if ! command -v redis-server >/dev/null; then apt_install redis-server redis-tools; fi
  if redis_ping; then say "redis: already up on 127.0.0.1:$KKBOX_REDIS_PORT"; return 0; fi
  if port_open "127.0.0.1:$KKBOX_REDIS_PORT"; then
    die "port 127.0.0.1:$KKBOX_REDIS_PORT is taken by something that is not Redis; free it or set KKBOX_REDIS_PORT"
  fi
  local dir="$KKBOX_STATE/redis" log="$KKBOX_STATE/logs/redis.log"
  mkdir -p "$dir"
  say "redis: starting on 127.0.0.1:$KKBOX_REDIS_PORT (data in $dir)"
  redis-server --bind 127.0.0.1 --port "$KKBOX_REDIS_PORT" --dir "$dir" --daemonize yes \
    --pidfile "$REDIS_PID" --logfile "$log" --save "300 1" --protected-mode yes \
    || die "redis-server did not start (log: $log)"
  local i
  for i in $(seq 1 100); do
    redis_ping && { STARTED_REDIS=1; say "redis: ready"; return 0; }
    sleep 0.1
  done
  tail -n 5 "$log" >&2
  die "redis did not answer on 127.0.0.1:$KKBOX_REDIS_PORT after 10 s (log: $log)"
}

broker_down() {
  if pid_alive "$BROKER_PID"; then
    local pid; pid="$(cat "$BROKER_PID")"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { say "broker: did not stop on SIGTERM, killing"; kill -KILL "$pid" 2>/dev/null || true; }
    say "broker: stopped"
  fi
  rm -f "$BROKER_PID" "$BROKER_READY"
}

redis_down() {
  if pid_alive "$REDIS_PID"; then
    timeout 5 redis-cli -p "$KKBOX_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill -TERM "$(cat "$REDIS_PID")" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do pid_alive "$REDIS_PID" || break; sleep 0.1; done
    say "redis: stopped"
  fi
  rm -f "$REDIS_PID"
}

infra_up()   { export_settings; broker_up; redis_up; }
infra_down() { broker_down; redis_down; }

infra_status() {
  export_settings
  local rc=0
  if external_kafka; then
    echo "kafka:  external ${Kafka__BootstrapServers}"
  elif pid_alive "$BROKER_PID" && [ -f "$BROKER_READY" ]; then
    echo "kafka:  up   local broker on $KKBOX_BROKER_LISTEN (pid $(cat "$BROKER_PID"))"
  else
    echo "kafka:  down (start with ./kkbox infra up)"; rc=1
  fi
  if external_redis; then
    echo "redis:  external ${Redis__Configuration}"
  elif redis_ping; then
    echo "redis:  up   127.0.0.1:$KKBOX_REDIS_PORT"
  else
    echo "redis:  down (start with ./kkbox infra up)"; rc=1
  fi
  return $rc
}

# ./kkbox test: everything a fresh machine needs, then the whole test suite; stops only what it started.
kkbox_test() {
  # the report test renders the HTML report in headless Chromium
  command -v chromium >/dev/null || apt_install chromium
  kkbox_build
  infra_up
  local started_broker=$STARTED_BROKER started_redis=$STARTED_REDIS
  cleanup() {
    [ "$started_broker" = 1 ] && broker_down
    [ "$started_redis" = 1 ] && redis_down
    return 0
  }
  trap 'cleanup; exit 130' INT TERM
  local rc=0 log="$KKBOX_STATE/logs/test.log"
  set -o pipefail
  dotnet test "$KKBOX_ROOT/KkboxNcf.sln" -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || rc=$?
  trap - INT TERM
  cleanup
  # One plain closing line, summed over the test assemblies.
  awk -F'[:,]' '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i ~ /Passed$/) p += $(i+1); if ($i ~ /Failed$/) f += $(i+1); if ($i ~ /Skipped$/) s += $(i+1) } }
       END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
  return $rc
}

# ./kkbox bench NAME: the benchmarks that need Redis or the shared broker find them up; stops what it started.
kkbox_bench() {
  kkbox_build_quiet
  infra_up
  local started_broker=$STARTED_BROKER started_redis=$STARTED_REDIS rc=0
  run_cli bench "$@" || rc=$?
  [ "$started_broker" = 1 ] && broker_down
  [ "$started_redis" = 1 ] && redis_down
  return $rc
}
