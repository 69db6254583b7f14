# Shared helpers of bench/run (sourced). Results: one TSV per part in $OUT/<part>/results.tsv, raw samples in
# $OUT/<part>/samples.tsv, logs in $OUT/<part>/logs/. Every process started here is stopped by its own id.

HOLDFAST="$ROOT/cli/holdfast"
JAR="$ROOT/target/cli/holdfast.jar"
REPS=${BENCH_REPS:-3}
declare -a BENCH_PIDS=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Installs what is missing from Debian (apt-get update once per run). Nothing else is downloaded.
APT_UPDATED=0
need_tools() {
  local missing=() t pkg
  for t in "$@"; do
    case $t in
      nginx) [ -x /usr/sbin/nginx ] || missing+=(nginx) ;;
      *) command -v "$t" >/dev/null || missing+=("$t") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}: apt-get install -y ${missing[*]}"
  if [ $APT_UPDATED -eq 0 ]; then
    log "apt-get update (missing: ${missing[*]})"
    apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

now_ns() { date +%s%N; }
# seconds between two now_ns stamps, 3 decimals
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# timed LOGFILE CMD...: runs a command with a time limit and prints its wall time in seconds. Its output goes to
# LOGFILE (stdout to $TIMED_STDOUT instead when that is set).
timed() {
  local logf=$1; shift
  local t0 t1 rc=0
  t0=$(now_ns)
  if [ -n "${TIMED_STDOUT:-}" ]; then
    timeout --kill-after=10 "${BENCH_STEP_TIMEOUT:-900}" "$@" >"$TIMED_STDOUT" 2>>"$logf" || rc=$?
  else
    timeout --kill-after=10 "${BENCH_STEP_TIMEOUT:-900}" "$@" >>"$logf" 2>&1 || rc=$?
  fi
  t1=$(now_ns)
  if [ $rc -ne 0 ]; then
    log "command failed (exit $rc), see $logf: $*"
    tail -5 "$logf" >&2
    return $rc
  fi
  secs "$t0" "$t1"
}

median() { printf '%s\n' "$@" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "" } else if (NR % 2) { print v[(NR + 1) / 2] } else { printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }
calc() { awk "BEGIN { printf \"%.6g\", $* }"; }

# part_begin NAME: fresh results for that part
part_begin() {
  PART=$1
  PART_DIR="$OUT/$PART"
  mkdir -p "$PART_DIR/logs"
  : >"$PART_DIR/results.tsv"
  : >"$PART_DIR/samples.tsv"
  date -u '+%Y-%m-%dT%H:%M:%SZ' >"$PART_DIR/started"
}

# sample CASE SIDE METRIC VALUE: one raw measurement
sample() { printf '%s\t%s\t%s\t%s\t%s\n' "$PART" "$1" "$2" "$3" "$4" >>"$PART_DIR/samples.tsv"; }

# samples_of CASE SIDE METRIC: the raw values recorded so far
samples_of() { awk -F'\t' -v c="$1" -v s="$2" -v m="$3" '$2 == c && $3 == s && $4 == m { print $5 }' "$PART_DIR/samples.tsv"; }
median_of() { median $(samples_of "$@"); }

# paired CASE HSIDE RSIDE METRIC: median over repetitions of (HSIDE's i-th sample / RSIDE's i-th sample)
paired() {
  local h r
  h=$(samples_of "$1" "$2" "$4" | tr '\n' ' ')
  r=$(samples_of "$1" "$3" "$4" | tr '\n' ' ')
  [ -n "$h" ] && [ -n "$r" ] || return 0
  median $(awk -v h="$h" -v r="$r" 'BEGIN { n = split(h, a, " "); m = split(r, b, " ");
    for (i = 1; i <= n && i <= m; i++) if (b[i] > 0) printf "%.6g\n", a[i] / b[i] }')
}

# part_summary NAME: recompute a part's results from its recorded samples (bench/run --summarize)
part_summary() {
  PART=$1
  PART_DIR="$OUT/$PART"
  [ -s "$PART_DIR/samples.tsv" ] || return 0
  : >"$PART_DIR/results.tsv"
  "summarize_$PART"
}

# result CASE METRIC UNIT HOLDFAST REFNAME REF RULE TARGET [NOTE [PAIRED]]
#   PAIRED: the median of the per-repetition ratios (each Holdfast figure over the reference figure measured right
#   next to it), a cross-check of the ratio of medians on a noisy machine
#   RULE higher: ratio = holdfast/ref, target met when ratio >= TARGET (throughput)
#   RULE lower:  ratio = holdfast/ref, target met when ratio <= TARGET (time, latency, requests)
#   RULE max:    no ratio; target met when holdfast <= TARGET (absolute bound, REF informative)
#   RULE info:   recorded, no target
result() {
  local case=$1 metric=$2 unit=$3 hf=$4 refname=$5 ref=$6 rule=$7 target=$8 note=${9:-} paired=${10:-}
  local ratio="" verdict=""
  if [ -z "$hf" ]; then
    verdict="not measured"
  elif [ "$rule" = info ]; then
    verdict="-"
    if [ -n "$ref" ] && awk -v r="$ref" 'BEGIN { exit !(r > 0) }'; then ratio=$(calc "$hf / $ref"); fi
  elif [ "$rule" = max ]; then
    if awk -v h="$hf" -v t="$target" 'BEGIN { exit !(h <= t) }'; then verdict=met; else verdict="NOT met"; fi
    if [ -n "$ref" ] && awk -v r="$ref" 'BEGIN { exit !(r > 0) }'; then ratio=$(calc "$hf / $ref"); fi
  elif [ -z "$ref" ] || ! awk -v r="$ref" 'BEGIN { exit !(r > 0) }'; then
    verdict="no reference"
  else
    ratio=$(calc "$hf / $ref")
    if [ "$rule" = higher ]; then
      awk -v x="$ratio" -v t="$target" 'BEGIN { exit !(x >= t) }' && verdict=met || verdict="NOT met"
    else
      awk -v x="$ratio" -v t="$target" 'BEGIN { exit !(x <= t) }' && verdict=met || verdict="NOT met"
    fi
  fi
  local shown
  case $rule in higher) shown=">= ${target}x" ;; lower) shown="<= ${target}x" ;; max) shown="<= $target" ;; *) shown="-" ;; esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$PART" "$case" "$metric" "$unit" "${hf:--}" "$refname" \
    "${ref:--}" "${ratio:--}" "${paired:--}" "$shown" "$verdict" "$note" >>"$PART_DIR/results.tsv"
}

print_summary() {
  local files=()
  local p
  for p in hash publish origin gc; do
    [ -s "$OUT/$p/results.tsv" ] && files+=("$OUT/$p/results.tsv")
  done
  [ ${#files[@]} -gt 0 ] || { log "no results yet"; return 0; }
  {
    printf 'part\tcase\tmetric\tunit\tholdfast\treference\tref value\tratio\tpaired\ttarget\tverdict\tnote\n'
    cat "${files[@]}"
  } >"$OUT/summary.tsv"
  echo
  echo "Holdfast benchmarks (medians of $REPS; ratio = holdfast / reference, measured back to back)"
  for p in hash publish origin gc; do
    [ -f "$OUT/$p/started" ] && echo "  $p: run started $(cat "$OUT/$p/started")"
  done
  column -t -s $'\t' "$OUT/summary.tsv"
  echo "(raw samples: $OUT/<part>/samples.tsv; logs: $OUT/<part>/logs/)"
}

# ---- processes -------------------------------------------------------------------------------------------
# start_bg NAME LOGFILE CMD...: starts a process in the background and remembers its id
start_bg() {
  local name=$1 logf=$2; shift 2
  "$@" >"$logf" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  echo "$pid" >"$PART_DIR/logs/$name.pid"
  log "started $name (pid $pid)"
  LAST_PID=$pid
}

# stop_pid PID: TERM, then KILL after 10 s, only that id
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local pid
  for pid in "${BENCH_PIDS[@]:-}"; do
    [ -n "$pid" ] && stop_pid "$pid"
  done
  BENCH_PIDS=()
}

# A port no socket uses, below the kernel's range for outgoing connections (one of those took a port picked
# from inside it between the check and the server's bind).
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  for p in $(shuf -i 10000-$((low - 1)) -n 200); do
    if ! ss -tanH "sport = :$p" | grep -q .; then
      echo "$p"
      return 0
    fi
  done
  die "no free port"
}

# wait_http URL PID [SECONDS]: until the URL answers anything (curl exit 0), the process lives, within the bound
wait_http() {
  local url=$1 pid=$2 limit=${3:-60} i
  for i in $(seq 1 $((limit * 10))); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.1
  done
  return 1
}

rss_kib() { ps -o rss= -p "$1" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

# ---- holdfast ----------------------------------------------------------------------------------------------
# holdfast_has SUBCOMMAND: the build has that subcommand (listed by `holdfast --help`)
holdfast_has() { "$HOLDFAST" --help 2>/dev/null | grep -Eq "^ +$1( |\$)"; }
# holdfast_flag SUBCOMMAND FLAG: the subcommand exists and documents that flag
holdfast_flag() { holdfast_has "$1" && "$HOLDFAST" "$1" --help 2>&1 | grep -q -- "$2"; }

# ---- S3 server (S3Proxy in its own process, filesystem backend) ---------------------------------------------
S3_ACCESS=bench-access
S3_SECRET=bench-secret-key

s3proxy_classpath() {
  local cp="$OUT/s3proxy.classpath"
  if [ ! -s "$cp" ]; then
    (cd "$ROOT/e2e/s3proxy" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null) \
      || die "could not resolve S3Proxy (e2e/s3proxy/pom.xml)"
  fi
  cat "$cp"
}

# s3_start DATADIR [LOGBACK]: sets S3_ENDPOINT and S3_PID. S3_PROVIDER (default filesystem) and S3_HEAP select
# S3Proxy's backend and heap.
s3_start() {
  local data=$1 logback=${2:-$ROOT/bench/s3proxy/logback.xml}
  mkdir -p "$data"
  local port
  port=$(free_port)
  local conf="$PART_DIR/s3proxy.conf"
  cat >"$conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS
s3proxy.credential=$S3_SECRET
jclouds.provider=${S3_PROVIDER:-filesystem}
jclouds.filesystem.basedir=$data
EOF
  local cp
  cp=$(s3proxy_classpath)
  start_bg s3proxy "$PART_DIR/logs/s3proxy.log" java -Xmx${S3_HEAP:-512m} -XX:+UseSerialGC -Dlogback.configurationFile="$logback" \
    -cp "$cp" org.gaul.s3proxy.Main --properties "$conf"
  S3_PID=$LAST_PID
  S3_ENDPOINT="http://127.0.0.1:$port"
  wait_http "$S3_ENDPOINT/" "$S3_PID" 60 || die "S3Proxy did not start (see $PART_DIR/logs/s3proxy.log)"
  export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENV_AUTH=false \
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$S3_ACCESS RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$S3_SECRET \
    RCLONE_CONFIG_BENCH_ENDPOINT=$S3_ENDPOINT RCLONE_CONFIG_BENCH_REGION=us-east-1 \
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true RCLONE_CONFIG=/dev/null
  export HOLDFAST_S3_ENDPOINT=$S3_ENDPOINT HOLDFAST_S3_REGION=us-east-1 HOLDFAST_S3_PATH_STYLE=true \
    HOLDFAST_S3_ACCESS_KEY=$S3_ACCESS HOLDFAST_S3_SECRET_KEY=$S3_SECRET
}

# rclone with only the environment-defined remote "bench:"; the CA bundle variable of this environment is for
# remote TLS and breaks rclone's loopback client, so it is dropped.
rc() { env -u AWS_CA_BUNDLE rclone "$@"; }
s3_mkbucket() { rc mkdir "bench:$1" >>"$PART_DIR/logs/rclone.log" 2>&1; }
max_of() { samples_of "$@" | sort -g | tail -1; }
