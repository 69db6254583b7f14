# Origin against nginx: the same files, equivalent headers, wrk on loopback, back to back.
#   nginx (Debian) serves the files from a directory (sendfile, tcp_nopush, open_file_cache, gzip_static with a
#   .gz beside the JS, keepalive_requests, access_log off, a year-long immutable Cache-Control);
#   `holdfast serve` serves the same files published as one release, from a filesystem store and from the S3
#   server (S3Proxy, own process) with a warm cache: the memory cache (default 128m, blobs up to 1m) and the disk
#   cache for larger blobs (by default a private temporary directory; with --disk-cache-bytes 0 a 5 MiB blob is
#   fetched from S3 on every request).
# The origin runs with --no-access-log, as nginx runs with access_log off.
# Cases: 1 KiB, 10 KiB with Accept-Encoding: gzip, 100 KiB, 5 MiB, 304 revalidation (If-None-Match, 1 KiB).
# Each: wrk -t$WRK_THREADS -c$WRK_CONNS -d$WRK_SECONDS --latency after a warm-up of $WRK_WARMUP s; the three
# servers take turns within a repetition, in rotating order. RSS of each server is sampled every second under load.
# Before the first measured run every server is warmed on every case once: the JVM compiles a request path in its
# first seconds under load, and a long-running origin is measured, not its first seconds (nginx gets the same).
# Requests carry "Host: origin.bench.test", a name, as a CDN's requests to its origin do: on an IP literal
# (wrk's default, 127.0.0.1:port) Undertow's Host check runs a regular expression per request, 5% of 304 throughput.

WRK_THREADS=${BENCH_WRK_THREADS:-2}
WRK_CONNS=${BENCH_WRK_CONNS:-64}
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
WRK_WARMUP=${BENCH_WRK_WARMUP:-5}
WRK_HOST=${BENCH_WRK_HOST:-origin.bench.test}
# BENCH_PIN=SERVER_CPUS:CLIENT_CPUS (taskset lists, e.g. 0:1) runs every server on the first CPUs and wrk on the
# others, so that client and server stop taking each other's time slices; nginx then gets one worker per server CPU
# and the JVM sizes its I/O threads to the CPUs it may use. Unset: no pinning, nginx with 2 workers.
PIN=${BENCH_PIN:-}
SERVER_RUN=() CLIENT_RUN=()
if [ -n "$PIN" ]; then
  [[ $PIN == *:* ]] || die "BENCH_PIN=$PIN: use SERVER_CPUS:CLIENT_CPUS, e.g. 0:1"
  SERVER_RUN=(taskset -c "${PIN%%:*}")
  CLIENT_RUN=(taskset -c "${PIN#*:}")
fi
pinned_cpus() { [ -n "$PIN" ] && taskset -c "${PIN%%:*}" nproc || echo 2; }
NGINX_WORKERS=${BENCH_NGINX_WORKERS:-$(pinned_cpus)}
ORIGIN_CASES=(${BENCH_ORIGIN_CASES:-1k 10k-gzip 100k 5m 304})

origin_data() {
  SITE="$OUT/data/origin/site"
  if [ ! -f "$SITE/a5m.bin" ]; then
    rm -rf "$SITE"
    java "$ROOT/bench/gen/TreeGen.java" origin "$SITE" 4
  fi
  NGINX_ROOT="$PART_DIR/nginx-root"
  rm -rf "$NGINX_ROOT"
  cp -r "$SITE" "$NGINX_ROOT"
  gzip -9 -n -k "$NGINX_ROOT/a10k.js"
}

case_file() {
  case $1 in
    1k | 304) echo a1k.css ;;
    10k-gzip) echo a10k.js ;;
    100k) echo a100k.png ;;
    5m) echo a5m.bin ;;
    *) die "unknown origin case $1" ;;
  esac
}

nginx_start() {
  local port
  port=$(free_port)
  mkdir -p "$PART_DIR/nginx"
  cat >"$PART_DIR/nginx/nginx.conf" <<EOF
worker_processes $NGINX_WORKERS;
daemon off;
pid $PART_DIR/nginx/nginx.pid;
error_log $PART_DIR/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css application/javascript;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 100000;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  gzip_static on;
  gzip_vary on;
  client_body_temp_path $PART_DIR/nginx/tmp;
  server {
    listen 127.0.0.1:$port;
    root $NGINX_ROOT;
    location / {
      add_header Cache-Control "public, max-age=31536000, immutable" always;
      add_header X-Content-Type-Options nosniff always;
      add_header Access-Control-Allow-Origin "*" always;
    }
  }
}
EOF
  mkdir -p "$PART_DIR/nginx/tmp"
  start_bg nginx "$PART_DIR/logs/nginx.log" "${SERVER_RUN[@]}" /usr/sbin/nginx -p "$PART_DIR/nginx" -c "$PART_DIR/nginx/nginx.conf"
  NGINX_PID=$LAST_PID
  NGINX_URL="http://127.0.0.1:$port"
  wait_http "$NGINX_URL/index.html" "$NGINX_PID" 20 || die "nginx did not start (see $PART_DIR/logs/)"
}

# origin_start NAME STORE [FLAGS...]: sets ORIGIN_URL_<NAME>, ORIGIN_PID_<NAME>. No access log, as nginx here.
origin_start() {
  local name=$1 store=$2 port admin
  shift 2
  port=$(free_port)
  admin=$(free_port)
  start_bg "origin-$name" "$PART_DIR/logs/origin-$name.log" "${SERVER_RUN[@]}" "$HOLDFAST" serve --store "$store" --port "$port" \
    --admin-port "$admin" --no-access-log "$@"
  local pid=$LAST_PID
  wait_http "http://127.0.0.1:$port/" "$pid" 60 || { log "origin $name did not start (see $PART_DIR/logs/origin-$name.log)"; return 1; }
  printf -v "ORIGIN_PID_$name" '%s' "$pid"
  printf -v "ORIGIN_URL_$name" '%s' "http://127.0.0.1:$port"
  printf -v "ORIGIN_ADMIN_$name" '%s' "http://127.0.0.1:$admin"
}

# The URL path of a file on a side: nginx serves the directory as is; holdfast serves the fingerprinted name.
case_path() {
  local side=$1 file
  file=$(case_file "$2")
  if [ "$side" = nginx ]; then
    echo "/$file"
  else
    echo "/$(jq -r --arg p "$file" '.assets[] | select(.path == $p) | .servedPath' "$PART_DIR/manifest.json")"
  fi
}

side_url() { [ "$1" = nginx ] && echo "$NGINX_URL" || eval "echo \${ORIGIN_URL_${1#origin-}}"; }
side_pid() { [ "$1" = nginx ] && echo "$NGINX_PID" || eval "echo \${ORIGIN_PID_${1#origin-}}"; }

# case_headers SIDE CASE: the request header wrk sends (one line, may be empty)
case_header() {
  local side=$1 case=$2
  case $case in
    10k-gzip) echo "Accept-Encoding: gzip" ;;
    304)
      local etag
      etag=$(curl -s -D - -o /dev/null "$(side_url "$side")$(case_path "$side" "$case")" | tr -d '\r' \
        | awk -F': ' 'tolower($1) == "etag" { print $2 }')
      echo "If-None-Match: $etag" ;;
    *) echo "" ;;
  esac
}

# Checks once that every side answers every case as expected, and keeps the response headers in the log.
origin_check() {
  local side=$1 case url hdr want got
  for case in "${ORIGIN_CASES[@]}"; do
    url="$(side_url "$side")$(case_path "$side" "$case")"
    hdr=$(case_header "$side" "$case")
    want=200
    [ "$case" = 304 ] && want=304
    got=$(curl -s -D "$PART_DIR/logs/headers-$side-$case.txt" -o /dev/null -w '%{http_code}' -H "Host: $WRK_HOST" ${hdr:+-H "$hdr"} "$url")
    [ "$got" = "$want" ] || die "$side $case: $url answered $got, expected $want"
    if [ "$case" = 10k-gzip ] && ! grep -qi '^content-encoding: gzip' "$PART_DIR/logs/headers-$side-$case.txt"; then
      die "$side did not send the gzip variant of $url"
    fi
  done
}

# wrk_warm SIDE CASE: load that is not measured
wrk_warm() {
  local hdr
  hdr=$(case_header "$1" "$2")
  "${CLIENT_RUN[@]}" wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -H "Host: $WRK_HOST" ${hdr:+-H "$hdr"} -d"${WRK_WARMUP}s" \
    "$(side_url "$1")$(case_path "$1" "$2")" >/dev/null 2>&1 || true
}

# wrk_case SIDE CASE: one measured wrk run (after a warm-up), with the server's RSS sampled meanwhile
wrk_case() {
  local side=$1 case=$2 url hdr pid
  url="$(side_url "$side")$(case_path "$side" "$case")"
  hdr=$(case_header "$side" "$case")
  pid=$(side_pid "$side")
  local args=(-t"$WRK_THREADS" -c"$WRK_CONNS" --latency -s "$ROOT/bench/wrk/report.lua" -H "Host: $WRK_HOST")
  [ -n "$hdr" ] && args+=(-H "$hdr")
  "${CLIENT_RUN[@]}" wrk "${args[@]}" -d"${WRK_WARMUP}s" "$url" >/dev/null 2>&1 || true
  local rssf="$PART_DIR/logs/rss.tmp"
  : >"$rssf"
  (
    for _ in $(seq 1 $((WRK_SECONDS + 1))); do
      sleep 1
      if [ "$side" = nginx ]; then
        ps -o rss= --ppid "$pid" -p "$pid" | awk '{ s += $1 } END { print s }' >>"$rssf"
      else
        rss_kib "$pid" >>"$rssf"
      fi
    done
  ) &
  local sampler=$!
  local outf="$PART_DIR/logs/wrk-$side-$case.txt"
  echo "### $(date -u +%FT%TZ) wrk ${args[*]} -d${WRK_SECONDS}s $url" >>"$outf"
  timeout 120 "${CLIENT_RUN[@]}" wrk "${args[@]}" -d"${WRK_SECONDS}s" "$url" >"$outf.last" 2>&1 || true
  wait "$sampler" 2>/dev/null || true
  cat "$outf.last" >>"$outf"
  local line
  line=$(grep '^BENCH ' "$outf.last" || true)
  [ -n "$line" ] || { log "wrk failed for $side $case (see $outf)"; return 0; }
  # fields of report.lua, as w_requests, w_duration_us, ...
  local w_requests w_duration_us w_bytes w_p50_us w_p99_us w_max_us w_connect w_read w_write w_status w_timeout
  eval "$(sed 's/^BENCH //; s/\([a-z0-9_]*\)=/w_\1=/g' <<<"$line")"
  local s_
  s_=$(calc "$w_duration_us / 1e6")
  sample "$case" "$side" req_s "$(calc "$w_requests / $s_")"
  sample "$case" "$side" mib_s "$(calc "$w_bytes / $s_ / 1048576")"
  sample "$case" "$side" p99_ms "$(calc "$w_p99_us / 1000")"
  sample "$case" "$side" rss_max_mib "$(sort -g "$rssf" | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')"
  local errs=$((w_connect + w_read + w_write + w_status + w_timeout))
  [ "$errs" -eq 0 ] || sample "$case" "$side" errors "$errs"
  log "origin: $case $side $(calc "$w_requests / $s_") req/s, $(calc "$w_bytes / $s_ / 1048576") MiB/s, p99 $(calc "$w_p99_us / 1000") ms, errors $errs"
}

bench_origin() {
  part_begin origin
  need_tools nginx wrk jq curl
  origin_data
  nginx_start
  origin_check nginx
  local sides=(nginx)
  if holdfast_has serve && holdfast_has publish; then
    local fsstore="$PART_DIR/store"
    rm -rf "$fsstore"
    "$HOLDFAST" publish "$SITE" --release bench-1 --store "$fsstore" >>"$PART_DIR/logs/publish.log" 2>&1 \
      || die "publish failed (see $PART_DIR/logs/publish.log)"
    "$HOLDFAST" show bench-1 --json --store "$fsstore" >"$PART_DIR/manifest.json"
    if origin_start fs "$fsstore"; then
      origin_check origin-fs
      sides+=(origin-fs)
    fi
    rm -rf "$PART_DIR/s3data"
    s3_start "$PART_DIR/s3data"
    s3_mkbucket bench-origin
    if "$HOLDFAST" publish "$SITE" --release bench-1 --store s3://bench-origin/site >>"$PART_DIR/logs/publish.log" 2>&1 \
      && origin_start s3 s3://bench-origin/site; then
      origin_check origin-s3
      sides+=(origin-s3)
    else
      log "origin: S3-backed origin not measured (see $PART_DIR/logs/)"
    fi
  else
    log "origin: holdfast serve not available in this build; nginx only"
  fi

  local i case k side n=${#sides[@]}
  for side in "${sides[@]}"; do
    for case in "${ORIGIN_CASES[@]}"; do
      wrk_warm "$side" "$case"
    done
  done
  for case in "${ORIGIN_CASES[@]}"; do
    for i in $(seq 1 "$REPS"); do
      for k in $(seq 0 $((n - 1))); do
        wrk_case "${sides[$(((k + i) % n))]}" "$case"
      done
    done
  done

  summarize_origin
}

summarize_origin() {
  local case
  local note="wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_SECONDS}s (warm-up ${WRK_WARMUP}s), Host: $WRK_HOST, nginx $NGINX_WORKERS workers${PIN:+, servers on CPUs ${PIN%%:*} and wrk on ${PIN#*:} (BENCH_PIN=$PIN)}"
  for case in "${ORIGIN_CASES[@]}"; do
    local target=1.0 metric=req_s unit=req/s
    if [ "$case" = 5m ]; then
      target=0.9 metric=mib_s unit=MiB/s
    fi
    result "$case" "$unit (fs store)" "$unit" "$(median_of "$case" origin-fs $metric)" nginx \
      "$(median_of "$case" nginx $metric)" higher "$target" "$note" "$(paired "$case" origin-fs nginx $metric)"
    [ "$case" = 5m ] || result "$case" "MiB/s (fs store)" MiB/s "$(median_of "$case" origin-fs mib_s)" nginx \
      "$(median_of "$case" nginx mib_s)" info ""
    result "$case" "p99 latency (fs store)" ms "$(median_of "$case" origin-fs p99_ms)" nginx \
      "$(median_of "$case" nginx p99_ms)" lower 1.5 "" "$(paired "$case" origin-fs nginx p99_ms)"
    result "$case" "max RSS under load (fs store)" MiB "$(max_of "$case" origin-fs rss_max_mib)" "nginx (all workers)" \
      "$(max_of "$case" nginx rss_max_mib)" max 300
    result "$case" "$unit (S3 store, warm cache)" "$unit" "$(median_of "$case" origin-s3 $metric)" "holdfast fs store" \
      "$(median_of "$case" origin-fs $metric)" higher 0.9 "" "$(paired "$case" origin-s3 origin-fs $metric)"
    result "$case" "max RSS under load (S3 store)" MiB "$(max_of "$case" origin-s3 rss_max_mib)" "nginx (all workers)" \
      "$(max_of "$case" nginx rss_max_mib)" max 300
  done
}

