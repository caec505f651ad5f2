#!/usr/bin/env bash
# Regenerates the TypeScript types of the minfs wire contract (proto/*.proto) into src/generated/
# (or into the directory given as the first argument; the proto-contract test uses that to check that
# the checked-in src/generated/ is up to date).
#
# The loader options below must stay the same as the ones the server passes to @grpc/proto-loader's
# loadSync: keepCase, longs=String, enums=String, defaults, oneofs.
#
# Usage: scripts/gen-proto.sh [OUT_DIR]    (npm run proto:gen)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# A relative OUT_DIR is relative to the caller's working directory; the default is the repo's src/generated.
OUT_DIR="${1:-$ROOT/src/generated}"
case "$OUT_DIR" in
  /*) ;;
  *) OUT_DIR="$PWD/$OUT_DIR" ;;
esac

cd "$ROOT"

# The directory is wiped first, so refuse one that holds anything but generated .ts files.
if [ -e "$OUT_DIR" ]; then
  if [ ! -d "$OUT_DIR" ] || [ -n "$(find "$OUT_DIR" -type f ! -name '*.ts' -print -quit)" ]; then
    echo "gen-proto.sh: refusing to wipe $OUT_DIR: it holds files other than generated .ts files" >&2
    exit 1
  fi
fi

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"

node_modules/.bin/proto-loader-gen-types \
  --keepCase --longs=String --enums=String --defaults --oneofs \
  --grpcLib=@grpc/grpc-js \
  --includeComments \
  -I proto \
  -O "$OUT_DIR" \
  metaserver.proto dataserver.proto admin.proto
