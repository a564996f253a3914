package api

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/onecloudai/contacts/internal/apikeys"
	"github.com/onecloudai/contacts/openapi"
)

// The test matrix. CONTRIBUTING.md asks of every endpoint a test for
// success, a validation failure, 401, 403 for a role and for an API key's
// scope, 404 for another tenant's object, and limit exhaustion where a
// limit applies. Rather than trusting a hand-kept list, every answer the
// tests get through serve (conformance_test.go) is recorded here with its
// operation, the case it exercises and the test that asked; when the
// whole package ran (no -run, -skip or -short), checkMatrix compares what
// was seen with what each operation needs and fails the run naming the
// missing cells. API_TEST_MATRIX=write also writes the matrix to
// docs/TESTING.md.
//
// Cases, read from the answer:
//   - success: 2xx or 3xx.
//   - validation: 400, 413, 415 or 422 (not from the permission tables,
//     whose bodiless calls stop at the first check).
//   - unauthenticated: 401.
//   - role: 403 "forbidden" to a session (a role the route refuses).
//   - scope: 403 "forbidden" or "insufficient-scope" to an API key.
//   - other_tenant: 404, or 400/422 where a body, query or cursor names
//     the object, in a test whose name says Isolation (those make the
//     object in another tenant).
//   - not_found: 404 on a platform route (no tenant owns its objects), not
//     from the permission tables.
//   - limit: 429, or the problem types of a package limit (seats, a plan
//     feature), other than an API key's requests per minute.
//   - rate: 429 rate-limited to an API key (its requests per minute).
//
// What an operation needs follows from the route table and the API
// description (see matrixNeeds: validation where it takes a body or query
// parameters); the few things neither says are the tables below.

// matrixPermissionTables are the generic walks of every route (no body,
// random ids, a NUL in the query, a key over its minute): they count for
// 401, 403 and the rate limit only.
var matrixPermissionTables = []string{"TestRoutePermissions", "TestRouteKeyScopes", "TestQueryCheckOnEveryRoute", "TestKeyRateLimitOnEveryKeyRoute"}

// matrixLimited names the operations a limit applies to, and which,
// besides the monthly quotas of quotaRoutes (openapi_test.go) and the
// requests per minute of every route an API key may call.
var matrixLimited = map[string]string{
	"createInvitation":         "seats (seat-limit-reached), invitations a day (rate-limited)",
	"submitCorrection":         "corrections for review a day (rate-limited)",
	"acceptInvitation":         "seats (seat-limit-reached)",
	"acceptInvitationSignedIn": "seats (seat-limit-reached)",
	"createAPIKey":             "the api_access feature (plan-feature-unavailable)",
	"rotateAPIKey":             "the api_access feature (plan-feature-unavailable)",
	"login":                    "sign-in throttle (login-throttled)",
	"signup":                   "sign-up rate limit (rate-limited)",
	"requestPasswordReset":     "reset rate limit (rate-limited)",
}

// matrixBodyRefs names the tenant operations without an id in the path
// whose body or query names another of the tenant's objects (a list, a
// contact private to the tenant).
var matrixBodyRefs = map[string]string{
	"saveContacts":   "contact_ids, list_id",
	"approveSaved":   "contact_ids",
	"rejectSaved":    "contact_ids",
	"listSaved":      "list_id",
	"exportSaved":    "list_id",
	"switchTenant":   "tenant_id",
	"unsaveContacts": "contact_ids",
}

// matrixExempt lists cells an operation would need by the rules above but
// that cannot be exercised, each with its reason.
var matrixExempt = map[string]string{
	"unsaveContacts other_tenant": "unsaving is idempotent: ids the tenant has not saved are skipped (200), another " +
		"tenant's as well; TestMatrixIsolationUnsave checks that A's saved contact stays saved",
}

var matrixCases = []string{"success", "validation", "unauthenticated", "role", "scope", "other_tenant", "not_found", "limit", "rate"}

type matrixCell struct{ op, kase string }

var (
	matrixMu   sync.Mutex
	matrixSeen = map[matrixCell]map[string]bool{} // cell -> test names
)

// recordMatrix notes the case of one answer (called by serve).
func recordMatrix(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.Method == http.MethodHead || req.Method == http.MethodOptions {
		return
	}
	spec, err := conformanceSpec()
	if err != nil {
		return
	}
	route, _, err := spec.router.FindRoute(req)
	if err != nil {
		return
	}
	op := route.Operation.OperationID
	name := t.Name()
	top, _, _ := strings.Cut(name, "/")
	generic := slices.Contains(matrixPermissionTables, top)
	var ptype string
	if rec.Code >= 400 {
		var p struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		ptype = p.Type
	}
	_, bearer, _ := strings.Cut(req.Header.Get("Authorization"), " ")
	key := req.Header.Get(headerAPIKey) != "" || apikeys.LooksLikeKey(strings.TrimSpace(bearer))
	isolation := strings.Contains(top, "Isolation")
	admin := strings.HasPrefix(route.Path, "/admin/")
	var kase string
	switch c := rec.Code; {
	case c < 400:
		kase = "success"
	case c == 429 && key && ptype == "rate-limited":
		kase = "rate"
	case c == 429 || ptype == "seat-limit-reached" || ptype == "plan-feature-unavailable" || ptype == "quota-exceeded":
		kase = "limit"
	case c == 401:
		kase = "unauthenticated"
	case c == 403 && key && (ptype == "forbidden" || ptype == "insufficient-scope"):
		kase = "scope"
	case c == 403 && !key && ptype == "forbidden":
		kase = "role"
	case isolation && !admin && (c == 400 || c == 404 || c == 422):
		kase = "other_tenant"
	case generic:
		return
	case c == 404 && admin:
		kase = "not_found"
	case c == 400 || c == 413 || c == 415 || c == 422:
		kase = "validation"
	default:
		return
	}
	if generic && kase != "unauthenticated" && kase != "role" && kase != "scope" && kase != "rate" {
		return
	}
	matrixMu.Lock()
	defer matrixMu.Unlock()
	cell := matrixCell{op, kase}
	if matrixSeen[cell] == nil {
		matrixSeen[cell] = map[string]bool{}
	}
	matrixSeen[cell][name] = true
}

// matrixOp is one documented operation and the cases it needs.
type matrixOp struct {
	id, method, path string
	needs            []string
}

// matrixNeeds derives, from the API description and the route table,
// which cases each documented operation needs.
func matrixNeeds() ([]matrixOp, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON)
	if err != nil {
		return nil, err
	}
	var ops []matrixOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			route := method + " /api/v1" + echoPath(path)
			allowed, ok := expectedAccess[route]
			if !ok {
				return nil, fmt.Errorf("%s (%s) is documented but not in expectedAccess", route, op.OperationID)
			}
			input := op.RequestBody != nil
			for _, p := range op.Parameters {
				input = input || p.Value.In != "path"
			}
			public := slices.Contains(allowed, "public") || slices.Contains(allowed, "cookie") || slices.Contains(allowed, "webhook")
			admin := strings.HasPrefix(path, "/admin/")
			needs := []string{"success"}
			if input {
				needs = append(needs, "validation")
			}
			if !public || slices.Contains(allowed, "cookie") {
				needs = append(needs, "unauthenticated")
			}
			if !public {
				for _, who := range []string{"org_admin", "member", "viewer", "system_admin", "support"} {
					if !slices.Contains(allowed, who) {
						needs = append(needs, "role")
						break
					}
				}
				needs = append(needs, "scope")
			}
			hasID := strings.Contains(path, "{")
			if !public && !admin && (hasID || matrixBodyRefs[op.OperationID] != "") {
				needs = append(needs, "other_tenant")
			}
			if admin && hasID {
				needs = append(needs, "not_found")
			}
			if _, quota := quotaRoutes[route]; quota || matrixLimited[op.OperationID] != "" {
				needs = append(needs, "limit")
			}
			if _, ok := expectedKeyScope[route]; ok {
				needs = append(needs, "rate")
			}
			ops = append(ops, matrixOp{op.OperationID, method, "/api/v1" + path, needs})
		}
	}
	slices.SortFunc(ops, func(a, b matrixOp) int { return strings.Compare(a.path+" "+a.method, b.path+" "+b.method) })
	return ops, nil
}

// echoPath turns /lists/{id} into /lists/:id.
func echoPath(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		j := strings.IndexByte(p[i:], '}')
		b.WriteString(p[:i] + ":" + p[i+1:i+j])
		p = p[i+j+1:]
	}
}

// matrixFullRun says whether the run exercised the whole package.
func matrixFullRun() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return !testing.Short()
}

// checkMatrix compares what the tests exercised with what each operation
// needs; it prints the missing cells and returns 1 if any (0 otherwise,
// and whenever the run was not the whole package).
func checkMatrix() int {
	if !matrixFullRun() {
		return 0
	}
	ops, err := matrixNeeds()
	if err != nil {
		fmt.Fprintln(os.Stderr, "test matrix:", err)
		return 1
	}
	matrixMu.Lock()
	defer matrixMu.Unlock()
	var missing []string
	for _, op := range ops {
		for _, k := range op.needs {
			if len(matrixSeen[matrixCell{op.id, k}]) == 0 && matrixExempt[op.id+" "+k] == "" {
				missing = append(missing, fmt.Sprintf("%s %s (%s): %s", op.method, op.path, op.id, k))
			}
		}
	}
	for cell := range matrixExempt {
		id, k, _ := strings.Cut(cell, " ")
		if len(matrixSeen[matrixCell{id, k}]) > 0 {
			missing = append(missing, fmt.Sprintf("%s: exempt in matrixExempt, yet a test covers it (drop the exemption)", cell))
		}
	}
	if os.Getenv("API_TEST_MATRIX") == "write" {
		if err := writeMatrixDoc(ops); err != nil {
			fmt.Fprintln(os.Stderr, "test matrix:", err)
			return 1
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: test matrix (matrix_test.go): %d cells have no test:\n  %s\n", len(missing), strings.Join(missing, "\n  "))
		return 1
	}
	return 0
}

// writeMatrixDoc replaces the generated part of docs/TESTING.md.
func writeMatrixDoc(ops []matrixOp) error {
	const path = "../docs/TESTING.md"
	const begin, end = "<!-- matrix:begin -->\n", "<!-- matrix:end -->\n"
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	i, j := strings.Index(string(old), begin), strings.Index(string(old), end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %q … %q section", path, strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	var b strings.Builder
	b.WriteString("| Operation | " + strings.Join(matrixCases, " | ") + " |\n")
	b.WriteString("|---" + strings.Repeat("|---", len(matrixCases)) + "|\n")
	for _, op := range ops {
		fmt.Fprintf(&b, "| `%s` %s %s |", op.id, op.method, strings.TrimPrefix(op.path, "/api/v1"))
		for _, k := range matrixCases {
			tests := matrixSeen[matrixCell{op.id, k}]
			switch {
			case !slices.Contains(op.needs, k):
				b.WriteString(" · |")
			case len(tests) == 0 && matrixExempt[op.id+" "+k] != "":
				b.WriteString(" exempt |")
			case len(tests) == 0:
				b.WriteString(" **missing** |")
			default:
				b.WriteString(" " + matrixPick(tests) + " |")
			}
		}
		b.WriteString("\n")
	}
	out := string(old[:i+len(begin)]) + b.String() + string(old[j:])
	return os.WriteFile(path, []byte(out), 0o644)
}

// matrixPick names one test of a cell: the one not among the permission
// tables with the shortest name (then the first in order), and how many
// more there are.
func matrixPick(tests map[string]bool) string {
	names := make([]string, 0, len(tests))
	for n := range tests {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		ga := slices.Contains(matrixPermissionTables, strings.SplitN(a, "/", 2)[0])
		gb := slices.Contains(matrixPermissionTables, strings.SplitN(b, "/", 2)[0])
		if ga != gb {
			if ga {
				return 1
			}
			return -1
		}
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	s := "`" + names[0] + "`"
	if len(names) > 1 {
		s += fmt.Sprintf(" +%d", len(names)-1)
	}
	return s
}
