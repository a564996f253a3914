package api

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// bindFuzzTargets are request bodies of every shape bind meets: nested
// objects, lists of ids, pointers, maps of columns, a timestamp.
var bindFuzzTargets = []func() any{
	func() any { return new(SearchRequest) },
	func() any { return new(CreateAPIKeyRequest) },
	func() any { return new(ImportMappingRequest) },
	func() any { return new(CorrectionRequest) },
	func() any { return new(SaveContactsRequest) },
	func() any { return new(CreatePackageRequest) },
	func() any { return new(SignupRequest) },
}

// FuzzBind decodes and validates arbitrary bodies as bind does, for each
// kind of request: no panic, and a refusal is a 400 or a 422 problem
// (never the 500 an error other than *apperr.Error becomes) whose field
// paths are text a client can show. Seeds are in testdata/fuzz/FuzzBind;
// run with go test ./api -run '^$' -fuzz FuzzBind -fuzztime 1m.
func FuzzBind(f *testing.F) {
	for i, body := range []string{
		`{"query":"jon smi","filters":{"titles":["CTO"],"countries":["DE"]},"sort":"name","page_size":10}`,
		`{"name":"CRM sync","scopes":["contacts:read"],"expires_at":"2027-06-01T00:00:00Z"}`,
		`{"has_header":true,"columns":["email","","full_name"],"match_keys":["email"],"default_region":"de"}`,
		`{"field":"title","value":"CTO\u0000"}`,
		`{"contact_ids":["01900000-0000-7000-8000-000000000001",""]}`,
		`{"code":"team","name":"Team","max_users":-1}`,
		`{"email":"a@b.co","password":"x","unknown":1}`,
	} {
		f.Add(uint8(i), []byte(body))
	}
	f.Add(uint8(1), []byte(`{"name":"k","scopes":["contacts:read"],"expires_at":"2027-13-01T00:00:00Z"}`))
	f.Add(uint8(0), []byte(`{"filters":{"titles":[1]}} {}`))
	s := &Server{validator: newValidator()}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		dst := bindFuzzTargets[int(kind)%len(bindFuzzTargets)]()
		err := decodeStrict(body, dst)
		if err == nil {
			err = s.validate(dst)
		}
		if err == nil {
			return
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) || (ae.Code != apperr.EMALFORMED && ae.Code != apperr.EINVALID) {
			t.Fatalf("%T refused %q with %v (%T), want EMALFORMED or EINVALID", dst, body, err, err)
		}
		if !utf8.ValidString(ae.Message) {
			t.Fatalf("%T refused %q with a message not UTF-8: %q", dst, body, ae.Message)
		}
		for _, fe := range ae.Fields {
			if !utf8.ValidString(fe.Field) || !utf8.ValidString(fe.Message) || fe.Message == "" {
				t.Fatalf("%T refused %q with field error %+v", dst, body, fe)
			}
		}
	})
}
