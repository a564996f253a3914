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
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
		return apperr.Errorf(apperr.EUNSUPPORTED, "Content-Type must be application/json.")
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return tooLarge(maxErr.Limit)
		}
		return apperr.Errorf(apperr.EMALFORMED, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Errorf(apperr.EMALFORMED, "The request body is empty; send a JSON object.")
	}
	if err := decodeStrict(body, dst); err != nil {
		return err
	}
	return s.validate(dst)
}

func decodeStrict(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.More() {
			return apperr.Errorf(apperr.EMALFORMED, "Malformed JSON: unexpected data after the top-level value.")
		}
		return nil
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &timeErr):
		return apperr.Invalid("A timestamp is not in RFC 3339 form.",
			apperr.FieldError{Field: "", Message: fmt.Sprintf("%q is not an RFC 3339 timestamp such as 2027-06-01T00:00:00Z", timeErr.Value)})
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
