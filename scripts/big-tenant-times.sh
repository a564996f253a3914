#!/usr/bin/env bash
# Times a big tenant's list and read endpoints through the HTTP API
# (docs/PERFORMANCE.md, "Big tenant (twenty-first session)"): the median and
# the slowest of N requests (default 9) of each, after one warm-up. Deep
# pages are reached by following next_cursor, then that page is timed.
#
#   scripts/big-tenant-times.sh http://127.0.0.1:8080 big@acme.test PASSWORD [admin@… ADMIN_PASSWORD]
#
# Needs curl and jq. The tenant is one made big by scripts/big-tenant.sql.
set -euo pipefail
base=${1:?base URL}/api/v1
n=${N:-9}
. "$(dirname "$0")/lib/http-times.sh"
tok=$(login "$2" "$3")
admin=""
[ $# -ge 5 ] && admin=$(login "$4" "$5")
me=$(auth /me)
user=$(jq -r .user.id <<<"$me")
tenant=$(jq -r .tenant.id <<<"$me")
lists=$(auth /lists)
big=$(jq -r '.items | max_by(.member_count) | .id' <<<"$lists")
small=$(jq -r '.items | min_by(.member_count) | .id' <<<"$lists")
imp=$(auth '/imports?limit=100' | jq -r '.items | max_by(.row_count) | .id')

time_it "GET /saved-contacts" "$tok" /saved-contacts
deep "GET /saved-contacts, page 200 of 100" "/saved-contacts?page_size=100" 200
for st in saved approved rejected; do time_it "GET /saved-contacts?status=$st" "$tok" "/saved-contacts?status=$st"; done
time_it "GET /saved-contacts?list_id= (the biggest list)" "$tok" "/saved-contacts?list_id=$big"
deep "GET /saved-contacts?list_id= (biggest), page 100 of 100" "/saved-contacts?page_size=100&list_id=$big" 100
time_it "GET /saved-contacts?list_id= (the smallest list)" "$tok" "/saved-contacts?list_id=$small"
for q in q=engineer q=zzqx countries=DE has_email=true has_phone=false seniorities=c_suite; do
  time_it "GET /saved-contacts?$q" "$tok" "/saved-contacts?$q"
done
time_it "GET /lists" "$tok" /lists
time_it "GET /imports" "$tok" /imports
deep "GET /imports, page 19 of 100" "/imports?limit=100" 19
time_it "GET /imports?status=failed" "$tok" "/imports?status=failed"
time_it "GET /imports/{big}" "$tok" "/imports/$imp"
for o in "" created matched duplicate invalid; do
  time_it "GET /imports/{big}/records?outcome=$o" "$tok" "/imports/$imp/records?outcome=$o"
  deep "GET /imports/{big}/records?outcome=$o, page 40 of 1000" "/imports/$imp/records?limit=1000&outcome=$o" 40
done
time_it "GET /imports/{big}/errors.csv" "$tok" "/imports/$imp/errors.csv" 3
time_it "GET /corrections" "$tok" /corrections
for st in pending accepted rejected withdrawn; do time_it "GET /corrections?status=$st" "$tok" "/corrections?status=$st"; done
deep "GET /corrections, page 100 of 100" "/corrections?page_size=100" 100
time_it "GET /tenant/audit-events" "$tok" /tenant/audit-events
deep "GET /tenant/audit-events, page 200 of 200" "/tenant/audit-events?limit=200" 200
for a in 'list.*' member.role_changed 'billing.*'; do
  time_it "GET /tenant/audit-events?action=$a" "$tok" "/tenant/audit-events?action=$a"
done
time_it "GET /tenant/audit-events?actor_id= (the user)" "$tok" "/tenant/audit-events?actor_id=$user"
if [ -n "$admin" ]; then
  time_it "GET /admin/audit-events" "$admin" /admin/audit-events
  time_it "GET /admin/audit-events?tenant_id=" "$admin" "/admin/audit-events?tenant_id=$tenant"
  for a in 'import.*' 'billing.*' tenant.deleted; do
    time_it "GET /admin/audit-events?action=$a" "$admin" "/admin/audit-events?action=$a"
  done
  time_it "GET /admin/audit-events?actor_id= (the user)" "$admin" "/admin/audit-events?actor_id=$user"
fi
time_it "GET /crm/pushes" "$tok" /crm/pushes
deep "GET /crm/pushes, page 40 of 100" "/crm/pushes?limit=100" 40
time_it "GET /tenant/members" "$tok" /tenant/members
time_it "GET /saved-contacts/export (every saved contact)" "$tok" /saved-contacts/export 1
time_it "GET /saved-contacts/export?list_id= (the smallest list)" "$tok" "/saved-contacts/export?list_id=$small" 3
