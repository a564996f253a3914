package crm

import (
	"encoding/hex"
	"testing"
)

// TestContentHashKnownValues pins contentHash to fixed values. Every
// pushed contact's hash is stored (crm_contact_state.content_hash) and a
// contact whose hash still matches is skipped as already pushed, so a
// change of the hash's layout, or of which modes count, makes every stored
// hash stop matching after a deploy: the next push sends every contact
// again, once, spending the tenants' CRM quota. A change like that must be
// made on purpose, with its cost said; this test makes it visible.
//
// The rule (contentHash's comment): each field of Fields in order as
// name NUL value NUL, then, for each field whose mode is neither empty
// nor fill_if_empty, 0x01 name NUL mode NUL. So a field set explicitly
// to fill_if_empty (as the stored ownership reads when an org admin has
// saved it) hashes as the default does.
func TestContentHashKnownValues(t *testing.T) {
	t.Parallel()
	ada := map[string]string{"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
		"phone": "+44 20 7946 0000", "job_title": "Analyst", "company_name": "Engines Ltd"}
	allFill := map[string]string{}
	for _, f := range Fields {
		allFill[f] = OwnFillIfEmpty
	}
	with := func(changes map[string]string) map[string]string {
		m := map[string]string{}
		for f, v := range allFill {
			m[f] = v
		}
		for f, v := range changes {
			m[f] = v
		}
		return m
	}
	const (
		// sha256("email\0ada@example.com\0first_name\0Ada\0last_name\0Lovelace\0
		// phone\0+44 20 7946 0000\0job_title\0Analyst\0company_name\0Engines Ltd\0")
		adaContent = "ec0d6a855ae8d2ac856a32c8b9ecc0a9ee4613b2b1764ebff3a9e5009573bec7"
		// ... + "\x01phone\0overwrite\0"
		adaPhoneOverwrite = "1cc0ac0dbd34fa7a120a9d89461b139a8b5540b510218bab1379384ff93750ff"
		// ... + "\x01email\0never\0\x01job_title\0overwrite\0"
		adaEmailNeverTitleOverwrite = "6ba20dfb23d4c20d5c3b7684e9f7da9cdf550c5a873456608a33007d6c93d004"
	)
	tests := []struct {
		name    string
		content map[string]string
		modes   map[string]string
		want    string
	}{
		{"NoModes", ada, nil, adaContent},
		{"NoModesStored", ada, map[string]string{}, adaContent},
		{"EveryFieldExplicitFillIfEmpty", ada, allFill, adaContent},
		{"OneFieldExplicitFillIfEmpty", ada, map[string]string{"phone": OwnFillIfEmpty}, adaContent},
		{"NotAField", ada, map[string]string{"website": OwnOverwrite}, adaContent},
		{"PhoneOverwrite", ada, map[string]string{"phone": OwnOverwrite}, adaPhoneOverwrite},
		{"PhoneOverwriteRestExplicitFillIfEmpty", ada, with(map[string]string{"phone": OwnOverwrite}), adaPhoneOverwrite},
		{"EmailNeverTitleOverwrite", ada, map[string]string{"job_title": OwnOverwrite, "email": OwnNever}, adaEmailNeverTitleOverwrite},
		{"EmailNeverTitleOverwriteRestExplicitFillIfEmpty", ada,
			with(map[string]string{"job_title": OwnOverwrite, "email": OwnNever}), adaEmailNeverTitleOverwrite},
		// sha256("email\0\0first_name\0\0last_name\0\0phone\0\0job_title\0\0company_name\0\0")
		{"EmptyContent", map[string]string{}, allFill, "a1967a9f6b69e71b01871455fa9295e913a815ef19be028e0ac901e22cd97ee7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := hex.EncodeToString(contentHash(tt.content, tt.modes)); got != tt.want {
				t.Fatalf("contentHash = %s, want %s: every stored hash would stop matching and each contact be pushed again", got, tt.want)
			}
		})
	}
}
