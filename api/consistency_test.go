package api

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// TestCSVDownloadErrorsAreNotAttachments: a CSV route that refuses (an
// unknown list, another tenant's import) answers a problem document shown
// as one, not a file download named .csv holding the JSON.
func TestCSVDownloadErrorsAreNotAttachments(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	admin := tb.MustSignup(t, "csverr")
	missing := uuid.Must(uuid.NewV7()).String()
	tests := []struct {
		name string
		path string
	}{
		{"ErrNotFoundSavedExportList", "/api/v1/saved-contacts/export?list_id=" + missing},
		{"ErrNotFoundImportErrors", "/api/v1/imports/" + missing + "/errors.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tb.req(t, http.MethodGet, tt.path, admin.token, nil)
			wantStatus(t, rec, http.StatusNotFound)
			decodeProblem(t, rec)
			if cd := rec.Header().Get("Content-Disposition"); cd != "" {
				t.Errorf("problem carries Content-Disposition %q: a browser saves it as a CSV file", cd)
			}
		})
	}
}
