# Shared by the HTTP timing scripts (scripts/big-tenant-times.sh,
# scripts/platform-scale-times.sh); source it after setting base (the API's
# base URL, …/api/v1) and n (requests per figure). Needs curl and jq.

# login EMAIL PASSWORD prints an access token.
login() {
  curl -fsS "$base/auth/login" -H 'content-type: application/json' \
    -d "$(jq -n --arg e "$1" --arg p "$2" '{email: $e, password: $p}')" | jq -r .access_token
}
# get TOKEN PATH prints the request's total time in seconds.
get() { curl -fsS -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $1" "$base$2"; }
# time_it NAME TOKEN PATH [COUNT]: one warm-up, then the median and the
# slowest of COUNT (default n) requests.
time_it() {
  get "$2" "$3" >/dev/null
  for _ in $(seq "${4:-$n}"); do get "$2" "$3"; done | sort -n |
    awk -v name="$1" '{t[NR] = $1 * 1000} END {printf "%-66s p50 %8.1f ms  max %8.1f ms\n", name, t[int((NR + 1) / 2)], t[NR]}'
}
# deep NAME PATH PAGES: follows next_cursor PAGES times as $tok, then times
# that page.
deep() {
  local cur="" sep="?"
  case "$2" in *\?*) sep="&" ;; esac
  for _ in $(seq "$3"); do
    cur=$(curl -fsS -H "authorization: Bearer $tok" "$base$2${cur:+${sep}cursor=$(jq -rn --arg c "$cur" '$c|@uri')}" | jq -r '.next_cursor // empty')
    [ -n "$cur" ] || { echo "$1: no page $3"; return; }
  done
  time_it "$1" "$tok" "$2${sep}cursor=$(jq -rn --arg c "$cur" '$c|@uri')"
}
# auth PATH prints the answer to a GET as $tok.
auth() { curl -fsS -H "authorization: Bearer $tok" "$base$1"; }
