#!/usr/bin/env bash
# insert-cost.sh BASE_URL DB_A DB_B [RUNS]: what storing new contacts costs the
# database on two copies of a big database that differ in schema (an index
# more or less, a trigger), as an import stores them: 20,000 new private
# contacts (copies of shared ones with new ids and emails) in one
# INSERT ... SELECT, rolled back. Prints the backend's CPU seconds of each
# insert (utime + stime from /proc/PID/stat; the database server must run on
# this machine and the role be a superuser), the two databases alternating.
#   scripts/insert-cost.sh postgres://contacts@127.0.0.1:54341 a70 b71 6
set -euo pipefail
base=${1:?base URL}; a=${2:?first database}; b=${3:?second database}; runs=${4:-6}
cpu="SELECT (regexp_split_to_array(pg_read_file('/proc/' || pg_backend_pid() || '/stat'), ' '))[14:15]::int[]"
for i in $(seq 1 "$runs"); do
	offset=$(( (i * 37) % 40 * 20000 )) # another 20,000 rows each run
	for d in "$a" "$b"; do
		ticks=$(psql "$base/$d?sslmode=disable" -Atq -v ON_ERROR_STOP=1 <<SQL
SET jit = off;
$cpu;
BEGIN;
INSERT INTO contacts (id, first_name, last_name, email, email_status, phone, title, seniority, department,
    company_id, company_name, company_domain, industry, employee_range, linkedin_url, city, region, country,
    source, owner_tenant_id, created_at, updated_at)
SELECT gen_random_uuid(), first_name, last_name, 'n' || md5(c.id::text) || '@new.example', email_status, phone,
    title, seniority, department, company_id, company_name, company_domain, industry, employee_range, '', city,
    region, country, source, (SELECT id FROM tenants ORDER BY id LIMIT 1), now(), now()
FROM contacts c WHERE c.owner_tenant_id IS NULL ORDER BY c.id OFFSET $offset LIMIT 20000;
ROLLBACK;
$cpu;
SQL
)
		before=$(sed -n 1p <<<"$ticks" | tr -d '{}'); after=$(sed -n 2p <<<"$ticks" | tr -d '{}')
		hz=$(getconf CLK_TCK)
		echo "$d run $i: $(( (${after%,*} + ${after#*,} - ${before%,*} - ${before#*,}) * 1000 / hz )) ms backend CPU"
	done
done
