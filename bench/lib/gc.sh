# GC over a large store: GC_RELEASES releases x GC_ASSETS assets, GC_CHANGED assets changed per release (about
# 100,000 distinct blobs), GC_ORPHANS unreferenced blobs, a production channel on the newest release; written
# directly by bench/gen/GcStoreGen.java, once, then copied afresh for every repetition.
# Policy: keep the newest half of the releases, no age windows, retire-for 0 and grace 0, so consecutive runs go
# through every phase: run 1 retires the rest and records the orphans as candidates; run 2 deletes the orphans and
# the expired tombstones; run 3 deletes the blobs only those releases referenced; run 4 finds nothing to do.
# Each run: wall time, heap (the JVM runs with the launcher's options for gc plus -Xmx256m and logs its collections: peak heap in use, largest heap
# after a collection), max RSS (/usr/bin/time), store requests (HOLDFAST_STORE_STATS call counts; on S3 also the
# requests S3Proxy logged) against the protocol's minimum for what the run did (docs/BENCHMARKS.md derives it).
# Reference floor (informative): listing the store and reading every manifest with find/cat (filesystem) or
# rclone (S3).

GC_RELEASES=${BENCH_GC_RELEASES:-2000}
GC_ASSETS=${BENCH_GC_ASSETS:-2000}
GC_CHANGED=${BENCH_GC_CHANGED:-50}
GC_ORPHANS=${BENCH_GC_ORPHANS:-5000}
GC_KEEP=${BENCH_GC_KEEP:-1000}
# S3Proxy lists a bucket by walking all of it for every page of 1000 keys (measured: 8 s a page at 107,000 objects
# on tmpfs, 2.8 s at 19,000 in memory), so a 100,000-blob listing would take a quarter of an hour of server time
# per GC run; the S3 store is therefore a tenth of the size: 200 releases x 2,000 assets, ~12,000 blobs.
GC_S3_RELEASES=${BENCH_GC_S3_RELEASES:-200}
GC_S3_ORPHANS=${BENCH_GC_S3_ORPHANS:-500}
GC_HEAP=${BENCH_GC_HEAP:-256m}
GC_RUNS=4
GC_BACKENDS=(${BENCH_GC_BACKENDS:-fs fs-tmpfs s3})

# gc_policy BACKEND: keep the newest half (GC_KEEP on the filesystem store)
gc_policy() {
  local keep=$GC_KEEP
  [ "$1" = s3 ] && keep=$((GC_S3_RELEASES / 2))
  echo --keep-last "$keep" --keep-within 0s --keep-channel-history 1 --keep-served-within 0s --retire-for 0s \
    --grace 0s --force
}

gen_store() {
  java -cp "$JAR" "$ROOT/bench/gen/GcStoreGen.java" "$@"
}

# The generated filesystem store, kept under bench/out/data (regenerated when the shape changes).
gc_fs_snapshot() {
  mkdir -p "$OUT/data/gc"
  GC_FS_SNAP="$OUT/data/gc/fs-$GC_RELEASES-$GC_ASSETS-$GC_CHANGED-$GC_ORPHANS"
  if [ ! -f "$GC_FS_SNAP.done" ]; then
    rm -rf "$OUT/data/gc"/fs-*
    log "gc: generating the filesystem store ($GC_RELEASES releases x $GC_ASSETS assets)"
    gen_store "$GC_FS_SNAP" "$GC_RELEASES" "$GC_ASSETS" "$GC_CHANGED" "$GC_ORPHANS" 2 | tee "$GC_FS_SNAP.txt" >&2
    touch "$GC_FS_SNAP.done"
  fi
}

# The generated S3 store: S3Proxy's filesystem-backend directory after uploading the store through the S3 store
# (BENCH_GC_S3_DIRECT=1: its files written directly, with the attributes S3Proxy writes on PUT, for larger sizes).
gc_s3_snapshot() {
  mkdir -p "$OUT/data/gc"
  local how=upload
  [ "${BENCH_GC_S3_DIRECT:-0}" = 1 ] && how=direct
  GC_S3_SNAP="$OUT/data/gc/s3-$how-$GC_S3_RELEASES-$GC_ASSETS-$GC_CHANGED-$GC_S3_ORPHANS"
  if [ ! -f "$GC_S3_SNAP.done" ]; then
    rm -rf "$OUT/data/gc"/s3-*
    log "gc: generating the S3 store ($GC_S3_RELEASES releases x $GC_ASSETS assets, $how)"
    if [ $how = upload ]; then
      s3_start "$GC_S3_SNAP"
      s3_mkbucket bench-gc
      gen_store s3://bench-gc/store "$GC_S3_RELEASES" "$GC_ASSETS" "$GC_CHANGED" "$GC_S3_ORPHANS" 16 \
        | tee "$GC_S3_SNAP.txt" >&2
      stop_pid "$S3_PID"
    else
      gen_store "s3proxy-dir:$GC_S3_SNAP/bench-gc/store" "$GC_S3_RELEASES" "$GC_ASSETS" "$GC_CHANGED" "$GC_S3_ORPHANS" 2 \
        | tee "$GC_S3_SNAP.txt" >&2
    fi
    touch "$GC_S3_SNAP.done"
  fi
}

# heap_of GCLOG: "peak_used_mib max_after_mib" from -Xlog:gc lines such as "Pause Young (...) 70M->12M(247M)"
heap_of() {
  grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$1" | sed 's/([0-9]*M)$//; s/M//g; s/->/ /' \
    | awk '{ if ($1 > p) p = $1; if ($2 > a) a = $2 } END { printf "%d %d\n", p, a }'
}

# gc_run BACKEND STORE REP RUN: one measured `holdfast gc`
gc_run() {
  local backend=$1 store=$2 rep=$3 run=$4
  local tag="$backend-$rep-$run"
  local stats="$PART_DIR/logs/stats-$tag.txt" gclog="$PART_DIR/logs/jvm-gc-$tag.log" timev="$PART_DIR/logs/time-$tag.txt"
  local json="$PART_DIR/logs/gc-$tag.json"
  rm -f "$stats" "$gclog"
  local before=0
  [ "$backend" = s3 ] && before=$(grep -c '^request: ' "$PART_DIR/logs/s3proxy.log" || true)
  local t
  t=$(HOLDFAST_STORE_STATS=$stats HOLDFAST_JAVA_OPTS="-XX:+UseSerialGC -Xshare:auto -Xmx$GC_HEAP -Xlog:gc:file=$gclog" \
    TIMED_STDOUT=$json timed "$PART_DIR/logs/gc-$tag.err" /usr/bin/time -v -o "$timev" \
    "$HOLDFAST" gc --store "$store" $(gc_policy "$backend") --json) || { log "gc: run $tag failed"; return 1; }
  local case="run$run"
  sample "$case" "$backend" seconds "$t"
  local heap
  heap=$(heap_of "$gclog")
  sample "$case" "$backend" heap_peak_mib "${heap% *}"
  sample "$case" "$backend" heap_after_max_mib "${heap#* }"
  sample "$case" "$backend" rss_max_mib "$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$timev")"
  if [ -s "$stats" ]; then
    sample "$case" "$backend" requests "$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$stats" | tail -1)"
  fi
  if [ "$backend" = s3 ]; then
    local after
    after=$(grep -c '^request: ' "$PART_DIR/logs/s3proxy.log" || true)
    sample "$case" "$backend" s3proxy_requests "$((after - before))"
  fi
  local min
  min=$(gc_min_requests "$json" "$stats")
  [ -n "$min" ] && sample "$case" "$backend" min_requests "$min"
  log "gc: $tag ${t}s heap ${heap% *}M peak, requests $(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$stats" | tail -1) (minimum $min)"
}

# The fewest store requests that do what the run did (S3 cost: 1000 keys per listing page and per delete batch):
#   gc/state read + claim + release (3); candidate ledger read + write (2);
#   one listing pass: leases, releases, retired, channels, pins, access (>= 1 page each), blobs (listed / 1000);
#   one read per channel, pin and access report document (from the listing counts of the call stats: not known
#   here, so counted as one channel, the only document the benchmark store has);
#   one read of every manifest that is referenced after the run (keep, keep-retired, retire, restore);
#   one write per retired or restored release, and its original deleted in batches with the expired tombstones;
#   blob deletes in batches, each after a heartbeat of gc/state.
gc_min_requests() {
  local json=$1
  [ -s "$json" ] || return 0
  jq -r '
    def pages(n): if n <= 0 then 1 else ((n + 999) / 1000 | floor) end;
    def batches(n): if n <= 0 then 0 else ((n + 999) / 1000 | floor) end;
    (.releases | map(select(.action != "delete")) | length) as $manifests
    | (.releases | map(select(.action == "retire" or .action == "restore")) | length) as $moved
    | (.releases | map(select(.action == "delete" or (.action == "keep" and .retiredAt != null)
        or .action == "retire" or .action == "restore")) | length) as $removedKeys
    | (.releases | map(select(.committed != null)) | length) as $live
    | (.releases | map(select(.retiredAt != null)) | length) as $tomb
    | 3 + 2 + 1 + pages($live) + pages($tomb) + 1 + 1 + 1 + pages(.blobs.listed) + 1
      + $manifests + $moved + batches($removedKeys) + 2 * batches(.blobs.deleted)' "$json" 2>/dev/null || true
}

gc_reference_fs() {
  local store=$1
  timed "$PART_DIR/logs/reference.log" bash -c 'find "$1" -type f | wc -l && cat "$1"/releases/*.json "$1"/retired/*.json 2>/dev/null | wc -c' _ "$store"
}

gc_reference_s3() {
  timed "$PART_DIR/logs/reference.log" bash -c 'env -u AWS_CA_BUNDLE rclone lsf -R --fast-list bench:bench-gc/store | wc -l \
    && env -u AWS_CA_BUNDLE rclone cat bench:bench-gc/store/releases/ | wc -c'
}

# Where a backend's working copy lives: "fs" on the project disk (bench/out), "fs-tmpfs" and the S3 server's data
# on tmpfs (/dev/shm), which isolates GC's own cost from the disk (this machine's ext4 is mounted with online
# discard: one unlink costs ~1.5 ms there, so deleting 50,000 files takes over a minute even with rm).
gc_workdir() {
  case $1 in
    fs) echo "$PART_DIR/fs-store" ;;
    fs-tmpfs) echo "/dev/shm/holdfast-bench-gc-$$/fs-store" ;;
    s3) echo "/dev/shm/holdfast-bench-gc-$$/s3data" ;;
  esac
}

bench_gc() {
  part_begin gc
  need_tools jq
  [ -x /usr/bin/time ] || need_tools time
  if ! holdfast_has gc; then
    log "gc: holdfast gc not available in this build"
    result run1 "wall time" s "" "-" "" max 30
    return 0
  fi
  local backend rep run t
  for backend in "${GC_BACKENDS[@]}"; do
    case $backend in
      fs | fs-tmpfs) gc_fs_snapshot ;;
      s3) gc_s3_snapshot ;;
      *) die "unknown GC backend $backend: use fs, fs-tmpfs, s3" ;;
    esac
  done
  for rep in $(seq 1 "$REPS"); do
    for backend in "${GC_BACKENDS[@]}"; do
      log "gc: $backend repetition $rep/$REPS"
      local work store
      work=$(gc_workdir "$backend")
      rm -rf "$work"
      mkdir -p "$(dirname "$work")"
      if [ "$backend" = s3 ]; then
        cp -a "$GC_S3_SNAP" "$work"
        sync
        s3_start "$work" "$ROOT/bench/s3proxy/logback-count.xml"
        store=s3://bench-gc/store
        t=$(gc_reference_s3) && sample reference "$backend" seconds "$t"
      else
        cp -a "$GC_FS_SNAP" "$work"
        sync   # the copy's writeback must not compete with the measured runs
        store=$work
        t=$(gc_reference_fs "$store") && sample reference "$backend" seconds "$t"
      fi
      for run in $(seq 1 $GC_RUNS); do
        gc_run "$backend" "$store" "$rep" "$run" || break
      done
      if [ "$backend" != s3 ]; then
        # Deletion floor: rm of as many of the remaining blob files as run 3 deleted, on the same filesystem.
        local n
        n=$(jq -r '.blobs.deleted' "$PART_DIR/logs/gc-$backend-$rep-3.json" 2>/dev/null || echo 0)
        if [ "${n:-0}" -gt 0 ]; then
          t=$(timed "$PART_DIR/logs/reference.log" bash -c 'find "$1/blobs" -type f | head -n "$2" | xargs rm -f && sync' _ "$store" "$n") \
            && sample reference-rm "$backend" seconds "$t"
        fi
      fi
      [ "$backend" = s3 ] && stop_pid "$S3_PID"
      rm -rf "$work"
    done
  done
  rm -rf "/dev/shm/holdfast-bench-gc-$$"
  summarize_gc
}

summarize_gc() {
  local backend run
  [ -n "${GC_FS_SNAP:-}" ] || GC_FS_SNAP=$(ls -d "$OUT/data/gc"/fs-*[0-9] 2>/dev/null | head -1)
  [ -n "${GC_S3_SNAP:-}" ] || GC_S3_SNAP=$(ls -d "$OUT/data/gc"/s3-*[0-9] 2>/dev/null | head -1)
  local present=()
  for backend in "${GC_BACKENDS[@]}"; do
    grep -q "	run1	$backend	" "$PART_DIR/samples.tsv" && present+=("$backend")
  done
  [ ${#present[@]} -gt 0 ] || present=("${GC_BACKENDS[@]}")
  local shape="$GC_RELEASES x $GC_ASSETS, $(sed -n 's/.*distinctBlobs=\([0-9]*\).*/\1/p' "${GC_FS_SNAP:-/dev/null}.txt" 2>/dev/null) blobs + $GC_ORPHANS orphans"
  for backend in "${present[@]}"; do
    local note
    case $backend in
      fs) note="$shape; project disk (ext4, online discard)" ;;
      fs-tmpfs) note="$shape; tmpfs" ;;
      s3) note="$GC_S3_RELEASES x $GC_ASSETS, $(sed -n 's/.*distinctBlobs=\([0-9]*\).*/\1/p' "$GC_S3_SNAP.txt") blobs + $GC_S3_ORPHANS orphans on S3Proxy (data on tmpfs; written by $(basename "$GC_S3_SNAP" | cut -d- -f2))" ;;
    esac
    for run in $(seq 1 $GC_RUNS); do
      local rule=max
      [ "$backend" = s3 ] && rule=info
      result "$backend run$run" "wall time" s "$(median_of "run$run" "$backend" seconds)" \
        "list + read manifests (floor)" "$(median_of reference "$backend" seconds)" "$rule" 30 "$note"
      [ "$run" = 3 ] && [ "$backend" != s3 ] && result "$backend run$run" "wall time" s \
        "$(median_of "run$run" "$backend" seconds)" "rm of as many files (floor)" \
        "$(median_of reference-rm "$backend" seconds)" info ""
      result "$backend run$run" "peak heap in use (-Xmx$GC_HEAP)" MiB "$(max_of "run$run" "$backend" heap_peak_mib)" "-" "" \
        "$rule" 256
      result "$backend run$run" "largest heap after a collection" MiB "$(max_of "run$run" "$backend" heap_after_max_mib)" "-" "" info ""
      result "$backend run$run" "max RSS" MiB "$(max_of "run$run" "$backend" rss_max_mib)" "-" "" info ""
      result "$backend run$run" "store requests" n "$(median_of "run$run" "$backend" requests)" "protocol minimum" \
        "$(median_of "run$run" "$backend" min_requests)" lower 1.2
      [ "$backend" = s3 ] && result "$backend run$run" "S3 requests (server log)" n \
        "$(median_of "run$run" "$backend" s3proxy_requests)" "protocol minimum" \
        "$(median_of "run$run" "$backend" min_requests)" lower 1.2
    done
  done
  return 0
}
