package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// newValidator reports fields by their JSON names, so a client can match
// errors[].field to what it sent.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	return v
}

// bindOptional is bind for bodies whose every field is optional: an empty
// body (no Content-Length, no Content-Type) means all defaults.
func (s *Server) bindOptional(c echo.Context, dst any) error {
	req := c.Request()
	if req.ContentLength == 0 && req.Header.Get(echo.HeaderContentType) == "" {
		return s.validate(dst)
	}
	return s.bind(c, dst)
}

// bind decodes a JSON body into dst strictly (unknown fields are refused)
// and validates it. Errors come back as *apperr.Error:
// EUNSUPPORTED (415), EMALFORMED (400), ETOOLARGE (413) or EINVALID (422).
func (s *Server) bind(c echo.Context, dst any) error {
	if err := decodeBody(c, dst); err != nil {
		return err
	}
	return s.validate(dst)
}

// decodeBody is bind without the validation of dst's tags, for a handler
// whose service checks every field itself and names all that are wrong.
func decodeBody(c echo.Context, dst any) error {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
		return apperr.Errorf(apperr.EUNSUPPORTED, "Content-Type must be application/json.")
	}
	body, err := readBody(req)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Errorf(apperr.EMALFORMED, "The request body is empty; send a JSON object.")
	}
	return decodeStrict(body, dst)
}

// readBody reads a request's body whole: ETOOLARGE (413) over the route's
// limit (withBodyLimit; a chunked body, its size unannounced, trips it while
// being read), else EMALFORMED (400) when it cannot be read.
func readBody(req *http.Request) ([]byte, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, tooLarge(maxErr.Limit)
		}
		return nil, apperr.Errorf(apperr.EMALFORMED, "The request body could not be read.")
	}
	return body, nil
}

func decodeStrict(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.More() {
			return apperr.Errorf(apperr.EMALFORMED, "Malformed JSON: unexpected data after the top-level value.")
		}
		if field, ok := nulField(reflect.ValueOf(dst), ""); ok {
			return errNUL(field)
		}
		return nil
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &timeErr):
		return apperr.Invalid("A timestamp is not in RFC 3339 form.",
			apperr.FieldError{Field: timeField(body, dst), Message: fmt.Sprintf("%q is not an RFC 3339 timestamp such as 2027-06-01T00:00:00Z", timeErr.Value)})
	case errors.As(err, &syntaxErr):
		line, col := position(body, syntaxErr.Offset)
		return apperr.Errorf(apperr.EMALFORMED, "Malformed JSON at line %d, column %d: %s.", line, col, syntaxErr.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(body, int64(len(body)))
		return apperr.Errorf(apperr.EMALFORMED, "Malformed JSON: the body ends early at line %d, column %d.", line, col)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return apperr.Errorf(apperr.EMALFORMED, "The request body must be a JSON object.")
		}
		return apperr.Invalid("The request has invalid fields.",
			apperr.FieldError{Field: field, Message: "must be " + jsonKind(typeErr.Type)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Invalid("The request has unknown fields.",
			apperr.FieldError{Field: field, Message: "is not a known field"})
	default:
		return apperr.Errorf(apperr.EMALFORMED, "Malformed JSON.")
	}
}

// timeField names the top-level field of dst whose value in body is not a
// time: encoding/json passes time.Time's own error through without the
// field it was decoding, and a form shows an error next to its field.
// "" when no such field is found (a time nested deeper).
func timeField(body []byte, dst any) string {
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return ""
	}
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	for i := range t.NumField() {
		f := t.Field(i)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if ft != reflect.TypeFor[time.Time]() || name == "" || name == "-" {
			continue
		}
		var v time.Time
		if value, ok := raw[name]; ok && json.Unmarshal(value, &v) != nil {
			return name
		}
	}
	return ""
}

// errNUL refuses a value with a NUL character ("\u0000" in JSON, %00 in
// a query): PostgreSQL's text cannot hold one, so it is bad input, not a
// failure of ours.
func errNUL(field string) error {
	return apperr.Invalid("The request has invalid fields.",
		apperr.FieldError{Field: field, Message: "must be valid UTF-8 without NUL characters"})
}

// nulField finds a string holding a NUL anywhere in a decoded request (its
// JSON path, e.g. "scopes[1]"), once for every handler.
func nulField(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return nulField(v.Elem(), path)
	case reflect.String:
		return path, strings.ContainsRune(v.String(), 0)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous {
				name = strings.TrimSuffix(path, ".")
			} else if path != "" {
				name = path + "." + name
			}
			if p, ok := nulField(v.Field(i), name); ok {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // raw bytes (json.RawMessage) are not text
		}
		for i := range v.Len() {
			if p, ok := nulField(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := fmt.Sprint(iter.Key().Interface())
			if strings.ContainsRune(key, 0) {
				return path, true
			}
			name := key
			if path != "" {
				name = path + "." + key
			}
			if q, ok := nulField(iter.Value(), name); ok {
				return q, true
			}
		}
	}
	return "", false
}

// checkQuery refuses query parameters that are not valid UTF-8 or hold a
// NUL (%ff, %00): every API route reads them as text.
func checkQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for k, vs := range c.QueryParams() {
			name := strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "\uFFFD")
			if !utf8.ValidString(k) || strings.ContainsRune(k, 0) {
				return errNUL(name)
			}
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
					return errNUL(name)
				}
			}
		}
		return next(c)
	}
}

// position turns a byte offset into a 1-based line and column.
func position(body []byte, offset int64) (line, col int) {
	if offset > int64(len(body)) {
		offset = int64(len(body))
	}
	line, col = 1, 1
	for _, b := range body[:offset] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	default:
		return "of another type"
	}
}

// validate runs the validate tags of dst and lists every failing field.
func (s *Server) validate(dst any) error {
	err := s.validator.Struct(dst)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("validate: %w", err)
	}
	fields := make([]apperr.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, apperr.FieldError{Field: fieldPath(fe.Namespace()), Message: validationMessage(fe)})
	}
	return apperr.Invalid("The request has invalid fields.", fields...)
}

// fieldPath drops the Go struct name that starts a validator namespace:
// "SearchRequest.filters.titles[0]" becomes "filters.titles[0]".
func fieldPath(ns string) string {
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

func validationMessage(fe validator.FieldError) string {
	p := fe.Param()
	kind := fe.Kind()
	isText := kind == reflect.String
	isList := kind == reflect.Slice || kind == reflect.Array || kind == reflect.Map
	switch fe.Tag() {
	case "required", "required_without", "required_with":
		return "is required"
	case "email":
		return "must be a valid email address"
	case "url", "http_url":
		return "must be a valid URL"
	case "uuid", "uuid4", "uuid7":
		return "must be a valid id"
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	case "min", "gte":
		switch {
		case isText:
			return "must be at least " + p + " characters long"
		case isList && p == "1":
			return "must contain at least 1 item"
		case isList:
			return "must contain at least " + p + " items"
		default:
			return "must be at least " + p
		}
	case "max", "lte":
		switch {
		case isText:
			return "must be at most " + p + " characters long"
		case isList:
			return "must contain at most " + p + " items"
		default:
			return "must be at most " + p
		}
	case "len":
		return "must have length " + p
	case "gt":
		return "must be greater than " + p
	case "lt":
		return "must be less than " + p
	case "dive":
		return "has an invalid item"
	case "unique":
		return "must not contain duplicates"
	default:
		return "is invalid (" + fe.Tag() + ")"
	}
}
