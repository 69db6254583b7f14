# Hashing: publish's SHA-256 against openssl on the same files, back to back.
#   big:   one 1 GiB file; openssl dgst -sha256 (one process) vs publish. Publish's figure is net of JVM start
#          (its wall time minus that of the same command on a one-file tree, measured in the same repetition);
#          the gross figure is recorded too.
#   small: 50,000 x 10 KiB files; find | xargs -P2 openssl dgst -sha256 vs publish, JVM start included.
# The files are random bytes named .bin, a type publish does not compress, so publish's work is walk + hash +
# manifest (plus, without --dry-run, writing the blobs to a tmpfs store: the result note says which).

HASH_BIG_BYTES=${BENCH_HASH_BIG_BYTES:-1073741824}
HASH_SMALL_COUNT=${BENCH_HASH_SMALL_COUNT:-50000}
HASH_SMALL_BYTES=${BENCH_HASH_SMALL_BYTES:-10240}

hash_data() {
  DATA="$OUT/data/hash"
  local big="$DATA/big/big.bin"
  if [ "$(stat -c %s "$big" 2>/dev/null)" != "$HASH_BIG_BYTES" ]; then
    log "generating $big ($HASH_BIG_BYTES bytes)"
    rm -rf "$DATA/big"
    java "$ROOT/bench/gen/TreeGen.java" big "$big" "$HASH_BIG_BYTES" 1
  fi
  local marker="$DATA/small.done-$HASH_SMALL_COUNT-$HASH_SMALL_BYTES"
  if [ ! -f "$marker" ]; then
    log "generating $HASH_SMALL_COUNT files of $HASH_SMALL_BYTES bytes"
    rm -rf "$DATA/small" "$DATA"/small.done-*
    java "$ROOT/bench/gen/TreeGen.java" small "$DATA/small" "$HASH_SMALL_COUNT" "$HASH_SMALL_BYTES" 2
    touch "$marker"
  fi
  mkdir -p "$DATA/tiny"
  printf 'tiny\n' >"$DATA/tiny/tiny.bin"
}

# How publish is made to hash without a real store, chosen once per run.
hash_mode() {
  # Hashing is what is measured: the index of unchanged files would skip it on every run after the first.
  HASH_NO_INDEX=""
  holdfast_flag publish --no-index && HASH_NO_INDEX="--no-index"
  if holdfast_flag publish --dry-run; then
    HASH_MODE=dry-run
    HASH_NOTE="holdfast publish --dry-run: walk, hash, manifest; no store"
  elif holdfast_has publish; then
    HASH_MODE=tmpfs
    HASH_NOTE="no hash-only mode: full publish to a filesystem store on tmpfs (/dev/shm), blob writes included"
  else
    HASH_MODE=none
    HASH_NOTE="holdfast publish not available in this build"
  fi
  log "hash: holdfast side = $HASH_NOTE"
}

# holdfast_hash DIR TAG: wall seconds of publish's hashing of DIR (JVM start included); its summary goes to
# logs/holdfast-TAG.json
holdfast_hash() {
  local dir=$1 tag=$2 t
  case $HASH_MODE in
    dry-run)
      TIMED_STDOUT="$PART_DIR/logs/holdfast-$tag.json" timed "$PART_DIR/logs/holdfast.log" \
        "$HOLDFAST" publish "$dir" --release "hash-$tag" --dry-run --json $HASH_NO_INDEX ;;
    tmpfs)
      local store="/dev/shm/holdfast-bench-hash-$$"
      rm -rf "$store"
      t=$(timed "$PART_DIR/logs/holdfast.log" "$HOLDFAST" publish "$dir" --release "hash-$tag" --json --store "$store") \
        || { rm -rf "$store"; return 1; }
      rm -rf "$store"
      echo "$t" ;;
    *) return 1 ;;
  esac
}

bench_hash() {
  part_begin hash
  need_tools openssl
  hash_data
  hash_mode
  local big="$DATA/big/big.bin" mib
  mib=$(calc "$HASH_BIG_BYTES / 1048576")
  # Warm the page cache so both sides read from memory.
  cat "$big" >/dev/null
  find "$DATA/small" -type f -print0 | xargs -0 cat >/dev/null

  local i t tt
  for i in $(seq 1 "$REPS"); do
    log "hash: repetition $i/$REPS"
    t=$(timed "$PART_DIR/logs/openssl.log" openssl dgst -sha256 "$big")
    sample big openssl mib_s "$(calc "$mib / $t")"
    if [ "$HASH_MODE" != none ]; then
      tt=$(holdfast_hash "$DATA/tiny" "tiny-$i") && t=$(holdfast_hash "$DATA/big" "big-$i") && {
        sample big holdfast seconds_gross "$t"
        sample big holdfast seconds_jvm_baseline "$tt"
        sample big holdfast mib_s_gross "$(calc "$mib / $t")"
        sample big holdfast mib_s "$(calc "$mib / ($t - $tt)")"
      }
    fi
    t=$(timed "$PART_DIR/logs/openssl.log" bash -c 'find "$1" -type f -print0 | xargs -0 -P2 openssl dgst -sha256 >/dev/null' _ "$DATA/small")
    sample small openssl files_s "$(calc "$HASH_SMALL_COUNT / $t")"
    if [ "$HASH_MODE" != none ]; then
      t=$(holdfast_hash "$DATA/small" "small-$i") && sample small holdfast files_s "$(calc "$HASH_SMALL_COUNT / $t")"
    fi
  done

  summarize_hash
}

summarize_hash() {
  [ -n "${HASH_NOTE:-}" ] || hash_mode
  result "1 GiB file" "SHA-256 MiB/s (net of JVM start)" MiB/s "$(median_of big holdfast mib_s)" \
    "openssl dgst -sha256" "$(median_of big openssl mib_s)" higher 0.9 "$HASH_NOTE" "$(paired big holdfast openssl mib_s)"
  result "1 GiB file" "SHA-256 MiB/s incl. JVM start" MiB/s "$(median_of big holdfast mib_s_gross)" \
    "openssl dgst -sha256" "$(median_of big openssl mib_s)" info "" "$HASH_NOTE"
  result "$HASH_SMALL_COUNT x 10 KiB" "files/s incl. JVM start" files/s "$(median_of small holdfast files_s)" \
    "find | xargs -P2 openssl dgst" "$(median_of small openssl files_s)" higher 1.0 "$HASH_NOTE" \
    "$(paired small holdfast openssl files_s)"
}
