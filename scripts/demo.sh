# ./kkbox demo: the main job, start to finish, as a deployment would run it: Ingest, Trainer and
# Scorer as separate processes around the local broker and Redis, the same models trained offline on
# the same data, recommendations read back from Redis, and the report. Stops everything it started.
# shellcheck shell=bash

DEMO_PIDS=()
DEMO_INGEST_PID=""
DEMO_BROKER_PID=""

demo_usage() {
  cat >&2 <<'USAGE'
usage: ./kkbox demo [--size tiny|small|full] [--data DIR] [--out DIR] [--rate N] [--skip-offline]
  --size   generated KKBOX-shaped data set (default small: ~200k listens, a few minutes)
  --data   a folder with real KKBOX files instead (train.csv required; members.csv, songs.csv,
           song_extra_info.csv, test.csv optional)
  --out    where the run's report, logs and checkpoints go (default .kkbox/demo/<time>)
  --rate   listens replayed per second (default 3000 for a train.csv of up to a million rows, a pace
           at which the Scorer rewrites a member's lists between their listens, so served lists are
           judged as they would be live; larger files go unpaced; 0: as fast as the Trainer keeps
           up, ~18,000/s here, where lists lag the stream by seconds)
USAGE
}

demo_stop_all() {
  local pid
  if [ -n "$DEMO_INGEST_PID" ]; then kill -TERM "$DEMO_INGEST_PID" 2>/dev/null || true; fi
  DEMO_INGEST_PID=""
  for pid in "${DEMO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${DEMO_PIDS[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  DEMO_PIDS=()
  if [ -n "$DEMO_BROKER_PID" ]; then
    kill -TERM "$DEMO_BROKER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$DEMO_BROKER_PID" 2>/dev/null || break; sleep 0.2; done
    DEMO_BROKER_PID=""
  fi
}

# A dedicated broker when the shared one already runs: an earlier run's listens are still on it and
# a fresh Trainer would learn them twice.
demo_broker() {
  export_settings
  if external_kafka; then say "Kafka: using ${Kafka__BootstrapServers}"; return 0; fi
  if pid_alive "$BROKER_PID" && [ -f "$BROKER_READY" ]; then
    local port="${KKBOX_DEMO_BROKER_PORT:-9094}" ready="$DEMO_DIR/broker.ready"
    say "the local broker already runs (and may hold earlier listens): starting a fresh one for the demo on 127.0.0.1:$port"
    dotnet "$(dll_of LocalBroker)" --listen "127.0.0.1:$port" --ready-file "$ready" >"$DEMO_DIR/logs/broker.log" 2>&1 &
    DEMO_BROKER_PID=$!
    for _ in $(seq 1 200); do [ -f "$ready" ] && break; kill -0 "$DEMO_BROKER_PID" 2>/dev/null || die "the demo's broker did not start (log: $DEMO_DIR/logs/broker.log)"; sleep 0.1; done
    export Kafka__BootstrapServers="127.0.0.1:$port"
  else
    broker_up
    DEMO_STARTED_BROKER=$STARTED_BROKER
  fi
}

demo_cleanup() {
  demo_stop_all
  if [ "${DEMO_STARTED_BROKER:-0}" = 1 ]; then broker_down; DEMO_STARTED_BROKER=0; fi
  if [ "${DEMO_STARTED_REDIS:-0}" = 1 ]; then redis_down; DEMO_STARTED_REDIS=0; fi
  return 0
}

demo_status_line() {
  local replayed trained auc lists
  replayed="$(grep -o 'listens: [0-9,]*' "$DEMO_DIR/logs/ingest.log" 2>/dev/null | tail -n 1 | cut -d' ' -f2 || true)"
  trained="$(tail -n 1 "$DEMO_DIR/trainer-metrics.jsonl" 2>/dev/null | grep -o '"position":[0-9]*' | cut -d: -f2 || true)"
  auc="$(tail -n 1 "$DEMO_DIR/trainer-metrics.jsonl" 2>/dev/null | grep -o '"auc":[0-9.]*' | cut -d: -f2 | cut -c1-6 || true)"
  lists="$(grep -o '[0-9,]* lists written' "$DEMO_DIR/logs/scorer.log" 2>/dev/null | tail -n 1 | cut -d' ' -f1 || true)"
  say "replayed ${replayed:-0} | trained ${trained:-0} | online AUC ${auc:-n/a} | lists written ${lists:-0}"
}

kkbox_demo() {
  local size=small data="" out="" skip_offline=0 rate=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --size) size="${2:?--size needs tiny, small or full}"; shift 2 ;;
      --data) data="${2:?--data needs a folder}"; shift 2 ;;
      --out) out="${2:?--out needs a folder}"; shift 2 ;;
      --skip-offline) skip_offline=1; shift ;;
      --rate) rate="${2:?--rate needs listens per second}"; shift 2 ;;
      -h|--help) demo_usage; return 2 ;;
      *) echo "kkbox demo: unknown option '$1'" >&2; demo_usage; return 2 ;;
    esac
  done
  case "$size" in tiny|small|full) ;; *) die "--size must be tiny, small or full, got '$size'" ;; esac
  [ -z "$rate" ] || [[ "$rate" =~ ^[0-9]+$ ]] || die "--rate must be a whole number of listens per second (0: unpaced), got '$rate'"
  local t0=$SECONDS
  DEMO_DIR="${out:-$KKBOX_STATE/demo/$(date -u +%Y%m%d-%H%M%S)}"
  mkdir -p "$DEMO_DIR/logs"
  DEMO_DIR="$(cd "$DEMO_DIR" && pwd)"
  DEMO_STARTED_BROKER=0

  kkbox_build
  say "step: build done ($((SECONDS - t0)) s)"

  # The data: real files, or a generated set (made once per size, then reused).
  if [ -n "$data" ]; then
    [ -d "$data" ] || die "--data $data: no such folder"
    [ -f "$data/train.csv" ] || die "--data $data has no train.csv (required; members.csv, songs.csv, song_extra_info.csv, test.csv are optional)"
    for f in members.csv songs.csv song_extra_info.csv test.csv; do
      [ -f "$data/$f" ] || say "note: $data/$f is missing: the run goes on without it (unknown metadata where it would have helped)"
    done
  else
    data="$KKBOX_ROOT/data/$size"
    if [ ! -f "$data/train.csv" ]; then run_cli data synth --size "$size" --out "$data" || die "data generation failed"; fi
  fi
  data="$(cd "$data" && pwd)"
  say "step: data ready in $data ($((SECONDS - t0)) s)"
  if [ -z "$rate" ]; then
    local rows; rows=$(wc -l <"$data/train.csv")
    if [ "$rows" -le 1000000 ]; then rate=3000
    else rate=0; say "note: $rows listens would take $((rows / 3000 / 60)) minutes at 3,000/s: replaying unpaced (--rate N to pace)"; fi
  fi

  # Whatever ends the run (done, an error, Ctrl-C), nothing it started is left running.
  DEMO_STARTED_REDIS=0
  trap demo_cleanup EXIT
  trap 'say "stopping (interrupted)"; exit 130' INT TERM
  demo_broker
  redis_up
  DEMO_STARTED_REDIS=$STARTED_REDIS
  local run; run="demo-$(date -u +%H%M%S)"
  local trainer_group="kkbox-trainer-$run" scorer_group="kkbox-scorer-$run"
  # This run's lists replace any earlier ones; clear the earlier run's keys so nothing stale is served.
  if ! external_redis; then
    timeout 30 redis-cli -p "$KKBOX_REDIS_PORT" --scan --pattern 'kkbox:*' | xargs -r -n 500 redis-cli -p "$KKBOX_REDIS_PORT" del >/dev/null
  fi

  say "starting Trainer and Scorer (logs in $DEMO_DIR/logs)"
  dotnet "$(dll_of Trainer)" --group "$trainer_group" --checkpoints "$DEMO_DIR/checkpoints" \
    --metrics-file "$DEMO_DIR/trainer-metrics.jsonl" --checkpoint-every 20000 --checkpoint-seconds 10 \
    >"$DEMO_DIR/logs/trainer.log" 2>&1 &
  DEMO_PIDS+=($!)
  dotnet "$(dll_of Scorer)" --group "$scorer_group" --metrics-file "$DEMO_DIR/scorer-metrics.jsonl" \
    --http "http://127.0.0.1:${KKBOX_HTTP_PORT:-8080}" >"$DEMO_DIR/logs/scorer.log" 2>&1 &
  DEMO_PIDS+=($!)

  if [ "$rate" -gt 0 ]; then say "replaying $data/train.csv into Kafka at up to $rate listens/s (and paced by the Trainer's lag)"
  else say "replaying $data/train.csv into Kafka (paced by the Trainer's lag)"; fi
  dotnet "$(dll_of Ingest)" --data "$data" --rate "$rate" --max-lag 60000 --lag-group "$trainer_group" \
    --rejects "$DEMO_DIR/ingest-rejects.jsonl" >"$DEMO_DIR/logs/ingest.log" 2>&1 &
  DEMO_INGEST_PID=$!
  while kill -0 "$DEMO_INGEST_PID" 2>/dev/null; do
    for pid in "${DEMO_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { tail -n 20 "$DEMO_DIR"/logs/*.log >&2; die "a service stopped during the replay (logs in $DEMO_DIR/logs)"; }; done
    demo_status_line
    sleep 5
  done
  wait "$DEMO_INGEST_PID" || { tail -n 20 "$DEMO_DIR/logs/ingest.log" >&2; die "Ingest failed (log: $DEMO_DIR/logs/ingest.log)"; }
  DEMO_INGEST_PID=""
  grep -o 'Replay complete.*' "$DEMO_DIR/logs/ingest.log" | head -n 1 | sed 's/^/[kkbox] /' >&2
  say "step: replay done ($((SECONDS - t0)) s); waiting for the Trainer to checkpoint the whole replay"
  run_cli lag --group "$trainer_group" --until-zero --timeout 600 || die "the Trainer did not catch up (log: $DEMO_DIR/logs/trainer.log)"
  demo_status_line
  say "step: trained ($((SECONDS - t0)) s); waiting for the Scorer's lists of the last checkpoint"
  run_cli serving wait --timeout 300 || die "the Scorer did not write the last checkpoint's lists (log: $DEMO_DIR/logs/scorer.log)"
  say "step: lists in Redis ($((SECONDS - t0)) s)"

  if [ "$skip_offline" = 0 ]; then
    say "training the same models offline on the same data (time split; log: $DEMO_DIR/logs/offline.log)"
    run_cli offline --data "$data" --split time --out "$DEMO_DIR/offline" >"$DEMO_DIR/logs/offline.log" 2>&1 \
      || { tail -n 20 "$DEMO_DIR/logs/offline.log" >&2; die "offline evaluation failed"; }
    say "step: offline done ($((SECONDS - t0)) s)"
  fi

  say "recommendations read back from Redis:"
  run_cli serving sample --members 3 --k 5 --data "$data" || true

  demo_stop_all
  local offline_arg=()
  [ -f "$DEMO_DIR/offline/metrics.json" ] && offline_arg=(--offline "$DEMO_DIR/offline")
  run_cli report --data "$data" "${offline_arg[@]}" --online "$DEMO_DIR/trainer-metrics.jsonl,$DEMO_DIR/scorer-metrics.jsonl" --out "$DEMO_DIR/report" \
    || say "the report could not be written"
  demo_cleanup
  trap - EXIT INT TERM
  say "done in $((SECONDS - t0)) s. Report: $DEMO_DIR/report/report.html (logs: $DEMO_DIR/logs)"
}
