package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestKeyScopesShapeContactBodies checks responses, not routes: every
// answer that carries contacts (details, search, a company's people, the
// saved view) shows the tenant's saved state (saved, status, date, note,
// lists) only to a principal holding saved:read, and the CRM push state
// only to one holding crm:read. Roles hold both, so people see them all.
func TestKeyScopesShapeContactBodies(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "scopebody")
	fb.MustSetPackage(t, admin.tenantID, "pro")
	viewer := fb.MustJoin(t, admin, "viewer")

	// A shared contact at a company, saved with a note on a list and
	// pushed to the tenant's CRM.
	last := "Scopewise" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	companyID, contactID := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	if err := fb.db.Gorm.Exec(`INSERT INTO companies (id, name) VALUES (?, ?)`, companyID, last+" GmbH").Error; err != nil {
		t.Fatal(err)
	}
	if err := fb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, email, company_id) VALUES (?, 'Grace', ?, ?, ?)`,
		contactID, last, "grace-"+contactID+"@example.test", companyID).Error; err != nil {
		t.Fatal(err)
	}
	rec := fb.req(t, http.MethodPost, "/api/v1/lists", admin.token, map[string]string{"name": "Secret list"})
	wantStatus(t, rec, http.StatusCreated)
	listID := decode[ListResponse](t, rec).ID
	wantStatus(t, fb.req(t, http.MethodPost, "/api/v1/saved-contacts", admin.token,
		map[string]any{"contact_ids": []string{contactID}, "list_id": listID}), http.StatusOK)
	wantStatus(t, fb.req(t, http.MethodPatch, "/api/v1/saved-contacts/"+contactID, admin.token,
		map[string]string{"notes": "secret note"}), http.StatusOK)
	wantStatus(t, fb.req(t, http.MethodPost, "/api/v1/saved-contacts/approve", admin.token,
		map[string]any{"contact_ids": []string{contactID}}), http.StatusOK)
	fb.MustConnectCRM(t, admin)
	wantStatus(t, fb.req(t, http.MethodPost, "/api/v1/crm/pushes", admin.token,
		map[string]any{"contact_ids": []string{contactID}}), http.StatusAccepted)

	savedFields := []string{"saved", "saved_status", "saved_at", "saved_notes", "lists"}
	crmFields := []string{"crm_status"}
	// contactIn finds the contact in an answer (an object, or a page of
	// them under items or contacts) and returns its fields.
	contactIn := func(t *testing.T, body []byte) map[string]json.RawMessage {
		t.Helper()
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"items", "contacts"} {
			var page []map[string]json.RawMessage
			if raw, ok := top[k]; ok {
				if err := json.Unmarshal(raw, &page); err != nil {
					t.Fatal(err)
				}
				for _, c := range page {
					if string(c["id"]) == `"`+contactID+`"` {
						return c
					}
				}
				t.Fatalf("contact not in the answer: %s", body)
			}
		}
		return top
	}
	type view struct {
		name       string
		cred       string
		key        bool
		saved, crm bool // what it should see
	}
	views := []view{
		{"OrgAdmin", admin.token, false, true, true},
		{"Viewer", viewer.token, false, true, true},
		{"KeyContactsRead", fb.MustCreateKey(t, admin, "contacts:read").Secret, true, false, false},
		{"KeyContactsAndSavedRead", fb.MustCreateKey(t, admin, "contacts:read", "saved:read").Secret, true, true, false},
		{"KeyContactsAndCRMRead", fb.MustCreateKey(t, admin, "contacts:read", "crm:read").Secret, true, false, true},
		{"KeyContactsSavedWrite", fb.MustCreateKey(t, admin, "contacts:read", "saved:write").Secret, true, false, false},
		{"KeySavedRead", fb.MustCreateKey(t, admin, "saved:read").Secret, true, true, false},
	}
	type call struct {
		name, method, path string
		body               any
		perm               string // the scope the route itself needs
	}
	calls := []call{
		{"GetContact", http.MethodGet, "/api/v1/contacts/" + contactID, nil, "contacts:read"},
		{"Search", http.MethodPost, "/api/v1/contacts/search", map[string]any{"query": last}, "contacts:read"},
		{"GetCompany", http.MethodGet, "/api/v1/companies/" + companyID, nil, "contacts:read"},
		{"SavedView", http.MethodGet, "/api/v1/saved-contacts?q=" + last, nil, "saved:read"},
	}
	for _, v := range views {
		for _, c := range calls {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				rec := fb.credReq(t, c.method, c.path, v.cred, v.key, c.body)
				if v.key && !keyHolds(v.name, c.perm) {
					wantStatus(t, rec, http.StatusForbidden)
					return
				}
				wantStatus(t, rec, http.StatusOK)
				got := contactIn(t, rec.Body.Bytes())
				for _, f := range savedFields {
					if _, ok := got[f]; ok != v.saved {
						t.Errorf("%s present %v, want %v", f, ok, v.saved)
					}
				}
				for _, f := range crmFields {
					if _, ok := got[f]; ok != v.crm {
						t.Errorf("%s present %v, want %v", f, ok, v.crm)
					}
				}
				if body := rec.Body.String(); !v.saved && (strings.Contains(body, "secret note") || strings.Contains(body, listID)) {
					t.Errorf("the answer names the tenant's note or list")
				}
				if v.saved && string(got["saved_notes"]) != `"secret note"` {
					t.Errorf("saved_notes %s, want the note", got["saved_notes"])
				}
				if v.crm && string(got["crm_status"]) == `""` {
					t.Errorf("crm_status empty after a push")
				}
				if t.Failed() {
					t.Logf("answer: %s", rec.Body.String())
				}
			})
		}
	}

	// A search that leaves saved contacts out reads the saved state: a
	// key without saved:read is refused rather than told which are saved.
	for _, v := range views {
		t.Run(v.name+"/ExcludeSaved", func(t *testing.T) {
			rec := fb.credReq(t, http.MethodPost, "/api/v1/contacts/search", v.cred, v.key,
				map[string]any{"query": last, "filters": map[string]any{"exclude_saved": true}})
			switch {
			case v.key && !keyHolds(v.name, "contacts:read"):
				wantStatus(t, rec, http.StatusForbidden)
			case !v.saved:
				wantStatus(t, rec, http.StatusForbidden)
				if p := decodeProblem(t, rec); p["type"] != "insufficient-scope" || p["required_scope"] != "saved:read" {
					t.Fatalf("problem %v", p)
				}
			default:
				wantStatus(t, rec, http.StatusOK)
				if strings.Contains(rec.Body.String(), contactID) {
					t.Fatalf("exclude_saved still finds the saved contact")
				}
			}
		})
	}
}

// keyHolds says whether the view named name (a key's scopes spelled in
// its name) holds scope; people's views hold every scope of this test.
func keyHolds(name, scope string) bool {
	switch scope {
	case "contacts:read":
		return strings.Contains(name, "Contacts")
	case "saved:read":
		return strings.Contains(name, "SavedRead")
	}
	return false
}

// TestKeysSeeNoPeoplesEmails: team members' addresses are for the team
// (members:read, a people-only permission). An API key reading the CRM
// connection or push history learns who connected or pushed by user id,
// not by email address; a push a key requested keeps the key's label.
func TestKeysSeeNoPeoplesEmails(t *testing.T) {
	t.Parallel()
	fb := setupCRM(t)
	admin := fb.MustSignup(t, "scopemail")
	fb.MustSetPackage(t, admin.tenantID, "pro")
	viewer := fb.MustJoin(t, admin, "viewer")
	ids := fb.MustApprovedContacts(t, admin, 2)
	fb.MustConnectCRM(t, admin)
	rec := fb.req(t, http.MethodPost, "/api/v1/crm/pushes", admin.token, map[string]any{"contact_ids": ids[:1]})
	wantStatus(t, rec, http.StatusAccepted)
	byPerson := *decode[CRMPushResult](t, rec).ID
	pushKey := fb.MustCreateKey(t, admin, "crm:push", "crm:read").Secret
	rec = fb.credReq(t, http.MethodPost, "/api/v1/crm/pushes", pushKey, true, map[string]any{"contact_ids": ids[1:]})
	wantStatus(t, rec, http.StatusAccepted)
	byKey := *decode[CRMPushResult](t, rec).ID
	readKey := fb.MustCreateKey(t, admin, "crm:read").Secret

	paths := []string{"/api/v1/crm/connection", "/api/v1/crm/pushes", "/api/v1/crm/pushes/" + byPerson, "/api/v1/crm/pushes/" + byKey}
	for _, path := range paths {
		for _, who := range []struct {
			name string
			cred string
			key  bool
		}{{"Admin", admin.token, false}, {"Viewer", viewer.token, false}, {"Key", readKey, true}} {
			t.Run(who.name+path, func(t *testing.T) {
				rec := fb.credReq(t, http.MethodGet, path, who.cred, who.key, nil)
				wantStatus(t, rec, http.StatusOK)
				body := rec.Body.String()
				// People see it wherever the admin acted (not in the key's push).
				want := !who.key && !strings.HasSuffix(path, byKey)
				if shown := strings.Contains(body, admin.email); shown != want {
					t.Errorf("the admin's address shown %v to %s, want %v: %s", shown, who.name, want, body)
				}
				if strings.HasSuffix(path, byKey) && !strings.Contains(body, `"requested_by_label":"api_key:`) {
					t.Errorf("a key's push lost its label: %s", body)
				}
				if strings.HasSuffix(path, byPerson) && !strings.Contains(body, `"requested_by":"`+admin.userID+`"`) {
					t.Errorf("a person's push lost its requester's id: %s", body)
				}
			})
		}
	}
}

// TestKeyScopesShapeImportAnswers: an import's answers (the import, its
// records, errors.csv) must not tell a key without saved:read which of the
// file's people the tenant saved. A dry run withholds the shared contacts
// its rows matched unless the tenant saved them; for such a key it
// withholds them all. The same file dry-run while a contact is saved and
// after it was unsaved gives the key the same answers, where a key with
// saved:read (and people) see the saved one.
func TestKeyScopesShapeImportAnswers(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "scopeimp")
	tb.MustSetPackage(t, admin.tenantID, "pro")
	blind := tb.MustCreateKey(t, admin, "imports:read", "imports:write").Secret
	seeing := tb.MustCreateKey(t, admin, "imports:read", "imports:write", "saved:read").Secret

	// Two shared contacts: saved is saved while the first file dry-runs,
	// other never.
	tag := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	saved, other := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	for _, c := range []struct{ id, first string }{{saved, "Sava"}, {other, "Otto"}} {
		if err := tb.db.Gorm.Exec(`INSERT INTO contacts (id, first_name, last_name, email, company_name) VALUES (?, ?, ?, ?, 'Impscope')`,
			c.id, c.first, "Scope"+tag, strings.ToLower(c.first)+"-"+tag+"@impscope.example").Error; err != nil {
			t.Fatal(err)
		}
	}
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", admin.token, map[string]any{"contact_ids": []string{saved}}),
		http.StatusOK)
	file := "First Name,Last Name,Email,Phone\n" +
		"Sava,Scope" + tag + ",sava-" + tag + "@impscope.example,not a number\n" + // matched, with a warning
		"Otto,Scope" + tag + ",otto-" + tag + "@impscope.example,\n" + // matched
		"Sava,Scope" + tag + ",sava-" + tag + "@impscope.example,\n" + // a duplicate of row 2
		"Bob,,bob@,\n" // invalid

	// dryRun uploads the file with the blind key and dry-runs it.
	dryRun := func() string {
		t.Helper()
		rec := tb.uploadFile(t, "/api/v1/imports", blind, true, "people.csv", []byte(file))
		wantStatus(t, rec, http.StatusCreated)
		id := decode[ImportResponse](t, rec).ID
		wantStatus(t, tb.credReq(t, http.MethodPut, "/api/v1/imports/"+id+"/mapping", blind, true, map[string]any{"has_header": true,
			"columns": []string{"first_name", "last_name", "email", "phone"}, "match_keys": []string{"email"}}), http.StatusOK)
		wantStatus(t, tb.credReq(t, http.MethodPost, "/api/v1/imports/"+id+"/start?dry_run=true", blind, true, nil), http.StatusAccepted)
		tb.workImport(t, id)
		return id
	}
	whileSaved := dryRun()

	// answers is what cred reads of an import: its counts and preview,
	// its records and its errors.csv.
	type answer struct{ imp, records, errorsCSV string }
	answers := func(t *testing.T, cred string, key bool, id string) answer {
		t.Helper()
		path := "/api/v1/imports/" + id
		rec := tb.credReq(t, http.MethodGet, path, cred, key, nil)
		wantStatus(t, rec, http.StatusOK)
		got := decode[ImportResponse](t, rec)
		b, err := json.Marshal(struct {
			Counts  ImportCounts
			Preview []ImportPreviewRow
		}{got.Counts, got.Preview})
		if err != nil {
			t.Fatal(err)
		}
		out := answer{imp: string(b)}
		rec = tb.credReq(t, http.MethodGet, path+"/records", cred, key, nil)
		wantStatus(t, rec, http.StatusOK)
		out.records = rec.Body.String()
		rec = tb.credReq(t, http.MethodGet, path+"/errors.csv", cred, key, nil)
		wantStatus(t, rec, http.StatusOK)
		out.errorsCSV = rec.Body.String()
		return out
	}
	views := []struct {
		name      string
		cred      string
		key       bool
		seesSaved bool
	}{
		{"KeyWithoutSavedRead", blind, true, false},
		{"KeyWithSavedRead", seeing, true, true},
		{"OrgAdmin", admin.token, false, true},
	}
	// Read while the contact is saved, then after it was unsaved, and a
	// second dry run of the file after that.
	before := make([]answer, len(views))
	for i, v := range views {
		before[i] = answers(t, v.cred, v.key, whileSaved)
	}
	wantStatus(t, tb.req(t, http.MethodDelete, "/api/v1/saved-contacts", admin.token, map[string]any{"contact_ids": []string{saved}}),
		http.StatusOK)
	afterUnsave := dryRun()
	for i, v := range views {
		t.Run(v.name, func(t *testing.T) {
			a, b, c := before[i], answers(t, v.cred, v.key, whileSaved), answers(t, v.cred, v.key, afterUnsave)
			if a.imp != b.imp || a.imp != c.imp || a.errorsCSV != b.errorsCSV || a.errorsCSV != c.errorsCSV {
				t.Errorf("the import or errors.csv differ with the saved state:\n%s\n%s\n%s\n%s\n%s\n%s",
					a.imp, b.imp, c.imp, a.errorsCSV, b.errorsCSV, c.errorsCSV)
			}
			if strings.Contains(a.records+b.records+c.records, other) {
				t.Errorf("a dry run shows a shared contact the tenant never saved: %s", a.records)
			}
			if shown := strings.Contains(a.records, saved); shown != v.seesSaved {
				t.Errorf("the saved contact shown %v, want %v: %s", shown, v.seesSaved, a.records)
			}
			if strings.Contains(b.records+c.records, saved) {
				t.Errorf("the dry run's records show the contact after it was unsaved: %s", b.records)
			}
			if !v.seesSaved && (a.records != b.records || a.records != c.records) {
				t.Errorf("the records differ with the saved state:\n%s\n%s\n%s", a.records, b.records, c.records)
			}
		})
	}

	// Started for real, the dry run's records stand until the worker
	// clears them, still blind; the real run (paid, saving every matched
	// contact) shows both contacts to the key.
	wantStatus(t, tb.credReq(t, http.MethodPost, "/api/v1/imports/"+whileSaved+"/start", blind, true, nil), http.StatusAccepted)
	wantStatus(t, tb.req(t, http.MethodPost, "/api/v1/saved-contacts", admin.token, map[string]any{"contact_ids": []string{saved}}),
		http.StatusOK)
	if recA := answers(t, blind, true, whileSaved).records; strings.Contains(recA, saved) {
		t.Errorf("the queued run's records show the contact saved during its dry run: %s", recA)
	}
	tb.workImport(t, whileSaved)
	if recA := answers(t, blind, true, whileSaved).records; !strings.Contains(recA, saved) || !strings.Contains(recA, other) {
		t.Errorf("the real run's records withhold its contacts: %s", recA)
	}
}
