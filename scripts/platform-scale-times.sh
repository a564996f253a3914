#!/usr/bin/env bash
# Times the staff console's list and read endpoints through the HTTP API
# (docs/PERFORMANCE.md, "Staff console at platform scale (twenty-first
# session)"): the median and the slowest of N requests (default 9) of each,
# after one warm-up, as a system admin and (the reads) as support. Deep pages
# are reached by following next_cursor, then that page is timed.
#
#   scripts/platform-scale-times.sh http://127.0.0.1:8080 sysadmin@demo.test PASSWORD support@demo.test PASSWORD
#
# Needs curl and jq. The platform is one made big by scripts/platform-scale.sql.
set -euo pipefail
base=${1:?base URL}/api/v1
n=${N:-9}
. "$(dirname "$0")/lib/http-times.sh"
tok=$(login "$2" "$3")
staff=$(login "$4" "$5")
# a tenant with members and audit events, one paying through Stripe, a member's email
busy=$(auth '/admin/tenants?q=Umbrella%20Labs%203' | jq -r '.items[0].id')
email=$(auth "/admin/tenants/$busy" | jq -r '.members[0].email')
user=$(auth "/admin/users?q=$(jq -rn --arg e "$email" '$e|@uri')" | jq -r '.items[0].id')
contact=$(auth '/admin/corrections' | jq -r '.items[0].contact_id')

for who in admin support; do
  t=$tok; [ "$who" = support ] && t=$staff
  time_it "GET /admin/tenants ($who)" "$t" /admin/tenants
  time_it "GET /admin/users ($who)" "$t" /admin/users
  time_it "GET /admin/corrections ($who)" "$t" /admin/corrections
  time_it "GET /admin/audit-events ($who)" "$t" /admin/audit-events
done
time_it "GET /admin/tenants?limit=100" "$tok" "/admin/tenants?limit=100"
deep "GET /admin/tenants, page 150 of 100" "/admin/tenants?limit=100" 150
time_it "GET /admin/tenants?status=suspended" "$tok" "/admin/tenants?status=suspended"
deep "GET /admin/tenants?status=suspended, page 3 of 100" "/admin/tenants?status=suspended&limit=100" 3
for q in Umbrella 'Umbrella%20Labs%203' zzqx "$busy" "$(jq -rn --arg e "$email" '$e|@uri')" 'mueller' 'hooli1200.example'; do
  time_it "GET /admin/tenants?q=$q" "$tok" "/admin/tenants?q=$q"
done
time_it "GET /admin/tenants?q=zzqx&status=suspended" "$tok" "/admin/tenants?q=zzqx&status=suspended"
time_it "GET /admin/tenants/{busy}" "$tok" "/admin/tenants/$busy"
time_it "GET /admin/users?limit=100" "$tok" "/admin/users?limit=100"
deep "GET /admin/users, page 500 of 100" "/admin/users?limit=100" 500
for q in "$(jq -rn --arg e "$email" '$e|@uri')" anna zzqx Mueller 'hooli1200.example'; do
  time_it "GET /admin/users?q=$q" "$tok" "/admin/users?q=$q"
done
time_it "GET /admin/corrections?page_size=100" "$tok" "/admin/corrections?page_size=100"
deep "GET /admin/corrections, page 400 of 100" "/admin/corrections?page_size=100" 400
time_it "GET /admin/corrections?contact_id=" "$tok" "/admin/corrections?contact_id=$contact"
# the queue of one tenant (25 of the 50,000 pending), of one field, of both
qtenant=$(auth '/admin/corrections' | jq -r '.items[0].tenant_id')
time_it "GET /admin/corrections?tenant_id=" "$tok" "/admin/corrections?tenant_id=$qtenant"
time_it "GET /admin/corrections?tenant_id= (support)" "$staff" "/admin/corrections?tenant_id=$qtenant"
time_it "GET /admin/corrections?field=linkedin_url" "$tok" "/admin/corrections?field=linkedin_url"
deep "GET /admin/corrections?field=linkedin_url, page 70 of 100" "/admin/corrections?field=linkedin_url&page_size=100" 70
time_it "GET /admin/corrections?tenant_id=&field=title" "$tok" "/admin/corrections?tenant_id=$qtenant&field=title"
time_it "GET /admin/packages" "$tok" /admin/packages
time_it "GET /admin/imports" "$tok" /admin/imports
deep "GET /admin/imports, page 19 of 100" "/admin/imports?limit=100" 19
time_it "GET /admin/imports?status=failed" "$tok" "/admin/imports?status=failed"
time_it "GET /admin/audit-events?limit=200" "$tok" "/admin/audit-events?limit=200"
deep "GET /admin/audit-events, page 500 of 200" "/admin/audit-events?limit=200" 500
time_it "GET /admin/audit-events?tenant_id= (busy)" "$tok" "/admin/audit-events?tenant_id=$busy"
for a in 'tenant.*' 'billing.*' 'contact.correction_accepted' 'package.updated' 'nothing.*'; do
  time_it "GET /admin/audit-events?action=$a" "$tok" "/admin/audit-events?action=$a"
done
time_it "GET /admin/audit-events?actor_id= (a member)" "$tok" "/admin/audit-events?actor_id=$user"
time_it "GET /admin/audit-events?tenant_id=&action=billing.*" "$tok" "/admin/audit-events?tenant_id=$busy&action=billing.*"
time_it "GET /admin/outbox" "$tok" /admin/outbox
