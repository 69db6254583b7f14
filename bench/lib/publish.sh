# Publish against rclone: the same tree to the same S3 server (S3Proxy, filesystem backend, its own process).
#   cold:        an empty bucket each; `rclone sync TREE bench:BUCKET/site` vs `holdfast publish TREE --release R1`
#   incremental: 1% of the files rewritten (same sizes, new bytes); `rclone sync` again vs publish of release R2.
#                A second 1% change then compares against `rclone sync --checksum` (rclone's cheapest correct mode:
#                MD5s from the listing instead of one HEAD per object for modification times) with release R3.
# The order of the two tools alternates between repetitions. S3 requests are counted server-side (one S3Proxy
# DEBUG "request:" line per request).

PUB_COUNT=${BENCH_PUBLISH_FILES:-10000}
PUB_MIN=${BENCH_PUBLISH_MIN:-1024}
PUB_MAX=${BENCH_PUBLISH_MAX:-1048576}
PUB_CHANGED=$(( (PUB_COUNT + 99) / 100 ))
RCLONE_FLAGS=(${BENCH_RCLONE_FLAGS:-})

publish_data() {
  TREE="$OUT/data/publish/tree"
  local marker="$OUT/data/publish/done-$PUB_COUNT-$PUB_MIN-$PUB_MAX"
  if [ ! -f "$marker" ]; then
    log "generating $PUB_COUNT files of $PUB_MIN..$PUB_MAX bytes in $TREE"
    rm -rf "$OUT/data/publish"
    java "$ROOT/bench/gen/TreeGen.java" mixed "$TREE" "$PUB_COUNT" "$PUB_MIN" "$PUB_MAX" 3
    touch "$marker"
  fi
  PUB_BYTES=$(du -sb "$TREE" | cut -f1)
}

# A seed never used before on this tree (a counter kept beside it), so every mutation writes bytes the tree and
# the store have never held: an earlier run's seed would rewrite files with the content they already have.
next_seed() {
  local f="$OUT/data/publish/seed" n
  n=$(( $(cat "$f" 2>/dev/null || echo 1000) + 1 ))
  echo "$n" >"$f"
  echo "$n"
}

s3_requests() { grep -c '^request: ' "$PART_DIR/logs/s3proxy.log" || true; }

# run_side SIDE CASE CMD...: times one command, records seconds and the S3 requests it made
run_side() {
  local side=$1 case=$2; shift 2
  local before after t
  before=$(s3_requests)
  t=$(timed "$PART_DIR/logs/$side.log" "$@") || return 1
  after=$(s3_requests)
  sample "$case" "$side" seconds "$t"
  sample "$case" "$side" requests "$((after - before))"
  log "publish: $case $side ${t}s $((after - before)) requests"
}

holdfast_publish() {
  local case=$1 bucket=$2 release=$3
  local json="$PART_DIR/logs/holdfast-$release.json"
  TIMED_STDOUT=$json run_side holdfast "$case" "$HOLDFAST" publish "$TREE" --release "$release" \
    --store "s3://$bucket/site" --json || return 1
  local k
  for k in newBlobs bytesUploaded; do
    local v
    v=$(jq -r ".$k // empty" "$json" 2>/dev/null || true)
    [ -n "$v" ] && sample "$case" holdfast "$k" "$v"
  done
  return 0
}

rclone_sync() {
  local case=$1 bucket=$2; shift 2
  run_side rclone "$case" env -u AWS_CA_BUNDLE rclone sync "$TREE" "bench:$bucket/site" "${RCLONE_FLAGS[@]}" "$@"
}

bench_publish() {
  part_begin publish
  need_tools rclone jq
  publish_data
  local have=1
  holdfast_has publish || { have=0; log "publish: holdfast publish not available in this build; rclone only"; }
  rm -rf "$PART_DIR/s3data"
  s3_start "$PART_DIR/s3data" "$ROOT/bench/s3proxy/logback-count.xml"
  find "$TREE" -type f -print0 | xargs -0 cat >/dev/null

  local i rb hb
  for i in $(seq 1 "$REPS"); do
    log "publish: repetition $i/$REPS ($PUB_COUNT files, $PUB_BYTES bytes)"
    # A cold publish starts without publish's index of unchanged files too (as rclone has no state); the
    # incremental publishes of the repetition then use the index the cold one wrote.
    export HOLDFAST_CACHE_DIR="$PART_DIR/cache-$i"
    rm -rf "$HOLDFAST_CACHE_DIR"
    rb="bench-rclone-$i"
    hb="bench-holdfast-$i"
    s3_mkbucket "$rb"
    s3_mkbucket "$hb"
    if [ $((i % 2)) -eq 1 ]; then
      rclone_sync cold "$rb"
      [ $have -eq 0 ] || holdfast_publish cold "$hb" "r$i-1" || true
    else
      [ $have -eq 0 ] || holdfast_publish cold "$hb" "r$i-1" || true
      rclone_sync cold "$rb"
    fi
    java "$ROOT/bench/gen/TreeGen.java" mutate "$TREE" "$PUB_CHANGED" "$(next_seed)"
    if [ $((i % 2)) -eq 1 ]; then
      rclone_sync incremental "$rb"
      [ $have -eq 0 ] || holdfast_publish incremental "$hb" "r$i-2" || true
    else
      [ $have -eq 0 ] || holdfast_publish incremental "$hb" "r$i-2" || true
      rclone_sync incremental "$rb"
    fi
    java "$ROOT/bench/gen/TreeGen.java" mutate "$TREE" "$PUB_CHANGED" "$(next_seed)"
    if [ $((i % 2)) -eq 1 ]; then
      rclone_sync incremental-checksum "$rb" --checksum
      [ $have -eq 0 ] || holdfast_publish incremental-checksum "$hb" "r$i-3" || true
    else
      [ $have -eq 0 ] || holdfast_publish incremental-checksum "$hb" "r$i-3" || true
      rclone_sync incremental-checksum "$rb" --checksum
    fi
    # Free the disk: the buckets are not needed any more.
    rm -rf "${PART_DIR:?}/s3data/$rb" "${PART_DIR:?}/s3data/$hb"
  done

  summarize_publish
}

summarize_publish() {
  [ -n "${PUB_BYTES:-}" ] || PUB_BYTES=$(du -sb "$OUT/data/publish/tree" | cut -f1)
  local note="$PUB_COUNT files, $((PUB_BYTES / 1048576)) MiB, sizes log-uniform $PUB_MIN..$PUB_MAX B, 1/3 compressible text"
  result cold "wall time" s "$(median_of cold holdfast seconds)" "rclone sync" "$(median_of cold rclone seconds)" \
    lower 1.2 "$note" "$(paired cold holdfast rclone seconds)"
  result incremental "wall time (1% changed)" s "$(median_of incremental holdfast seconds)" "rclone sync" \
    "$(median_of incremental rclone seconds)" lower 1.0 "target: faster than rclone" \
    "$(paired incremental holdfast rclone seconds)"
  result incremental "wall time (1% changed)" s "$(median_of incremental-checksum holdfast seconds)" \
    "rclone sync --checksum" "$(median_of incremental-checksum rclone seconds)" info "" "rclone's cheapest correct mode" \
    "$(paired incremental-checksum holdfast rclone seconds)"
  result cold "S3 requests" n "$(median_of cold holdfast requests)" "rclone sync" "$(median_of cold rclone requests)" info ""
  result incremental "S3 requests" n "$(median_of incremental holdfast requests)" "rclone sync" \
    "$(median_of incremental rclone requests)" info ""
  result incremental "S3 requests" n "$(median_of incremental-checksum holdfast requests)" "rclone sync --checksum" \
    "$(median_of incremental-checksum rclone requests)" info ""
  result cold "bytes uploaded" B "$(median_of cold holdfast bytesUploaded)" "tree size" "$PUB_BYTES" info "" \
    "holdfast adds br/gzip variants"
}
