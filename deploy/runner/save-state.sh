#!/usr/bin/env bash
# Saves or restores a runner's working folder as a gzipped tarball (without the runner's own .runner/),
# and single files such as the pane's scrollback.
#
#   save-state.sh save KEY DIR            prints the key the state is stored under
#   save-state.sh restore KEY DIR         restores what save stored under KEY
#   save-state.sh restore-url URL DIR
#   save-state.sh save-file KEY FILE      prints the key the file is stored under
#   save-state.sh get-file KEY|URL DEST   writes the stored file to DEST
#
# With RUNNER_STATE_DIR set (local mode) everything lives in that folder under KEY. Otherwise a state goes to S3
# directly, in parts of the size the runner API says, through the presigned PUT URLs it hands out (POST .../state,
# then .../state/complete with each part's ETag; the API picks the final key, which is printed), so its size is not
# bounded by the API's upload limit; a single file (the scrollback) goes through /api/upload. The next run gets
# presigned download URLs in its context (state_url, scrollback_url).
set -euo pipefail
action=$1 where=$2 dir=$3
case "$where" in
  *..*) echo "refusing state key $where" >&2; exit 2 ;;
esac
usage() { echo "usage: $0 save|restore|restore-url|save-file|get-file KEY|URL DIR|FILE" >&2; exit 2; }

case "$action" in
  restore-url) curl -fsS --retry 5 --retry-all-errors "$where" | tar -xz -C "$dir"; exit 0 ;;
  get-file)
    case "$where" in
      http://*|https://*) curl -fsS --retry 5 --retry-all-errors "$where" >"$dir"; exit 0 ;;
    esac
    ;;
esac

if [ -n "${RUNNER_STATE_DIR:-}" ]; then
  case "$where" in /*) echo "refusing state key $where" >&2; exit 2 ;; esac
  file="$RUNNER_STATE_DIR/$where"
  case "$action" in
    save) mkdir -p "$(dirname "$file")"; tar -czf "$file" -C "$dir" --exclude './.runner' . ; echo "$where" ;;
    restore) tar -xzf "$file" -C "$dir" ;;
    save-file) mkdir -p "$(dirname "$file")"; cp "$dir" "$file"; echo "$where" ;;
    get-file) cat "$file" >"$dir" ;;
    *) usage ;;
  esac
  exit 0
fi

trace=() # the run's trace context (see entrypoint.sh)
[[ "${TRACEPARENT:-}" =~ ^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$ ]] && trace=(-H "traceparent: $TRACEPARENT")

runner_api() { # the runner API with the pod token, which is read from a pipe and so never on a command line
  curl -fsS --retry 5 --retry-all-errors --max-time 120 -H @<(printf 'Authorization: Bearer %s' "$RUNNER_TOKEN") "${trace[@]}" "$@"
}

upload() { # upload FILE NAME TYPE: prints the key the runner API stored it under
  runner_api -F "file=@$1;type=$3;filename=$2" "$RUNNER_API_URL/api/upload" | jq -r .key
}

save_to_s3() { # save_to_s3 TARBALL: stores it in S3 in parts through the URLs the runner API presigned; prints its key
  local tarball=$1 size plan key upload_id part_size part etag i
  local session_url="$RUNNER_API_URL/api/runner/sessions/$SESSION_ID"
  local -a urls etags=()
  size=$(stat -c %s "$tarball")
  plan=$(runner_api -X POST -H 'Content-Type: application/json' --data-binary "{\"size\":$size}" "$session_url/state") || {
    echo "the runner API would not take a state of $size bytes" >&2; return 1; }
  eval "$(jq -r '@sh "key=\(.key) upload_id=\(.upload_id) part_size=\(.part_size)"' <<<"$plan")"
  mapfile -t urls < <(jq -r '.part_urls[]' <<<"$plan")
  part=$(mktemp)
  for i in "${!urls[@]}"; do
    dd if="$tarball" of="$part" bs=4M iflag=skip_bytes,count_bytes skip=$(( i * part_size )) count="$part_size" status=none
    etag=$(curl -fsS --retry 5 --retry-all-errors --max-time 900 -T "$part" -D - -o /dev/null "${urls[$i]}" \
      | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]:[[:space:]]*//p')
    if [ -z "$etag" ]; then
      rm -f "$part"
      echo "S3 did not take part $(( i + 1 )) of ${#urls[@]} of the state" >&2
      return 1
    fi
    etags+=("$etag")
  done
  rm -f "$part"
  runner_api -X POST -H 'Content-Type: application/json' -o /dev/null --data-binary \
    "$(jq -n --arg key "$key" --arg id "$upload_id" '{key: $key, upload_id: $id, etags: $ARGS.positional}' --args "${etags[@]}")" \
    "$session_url/state/complete" || { echo "S3 could not join the parts of the state" >&2; return 1; }
  echo "$key"
}

case "$action" in
  save)
    tarball=$(mktemp --suffix=.tar.gz)
    trap 'rm -f "$tarball"' EXIT
    tar -czf "$tarball" -C "$dir" --exclude './.runner' .
    save_to_s3 "$tarball"
    ;;
  save-file) upload "$dir" "$(basename "$where")" text/plain ;;
  restore|get-file)
    echo "$where was not saved in a local folder; the context's URLs restore uploaded state" >&2
    exit 1
    ;;
  *) usage ;;
esac
