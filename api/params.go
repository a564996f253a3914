package api

import (
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// pathID parses a UUID path parameter. A malformed id cannot name anything,
// so it is a 404 like any other id the caller cannot see.
func pathID(c echo.Context, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return uuid.Nil, apperr.Errorf(apperr.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// wrongPageSizeName refuses the page-size parameter a list does not take.
// The contact lists (saved contacts, a company's contacts, corrections)
// take page_size as the search body does; the others take limit. Ignoring
// the other name would answer a page of the default size and leave the
// caller's mistake hidden.
func wrongPageSizeName(c echo.Context, wrong, right string) error {
	if _, ok := c.QueryParams()[wrong]; !ok {
		return nil
	}
	return apperr.Invalid("Unknown query parameter.", apperr.FieldError{Field: wrong, Message: "is not accepted: this list's page size is " + right})
}

// queryLimit reads ?limit= (1..max, default def) and refuses page_size.
// Returns EINVALID.
func queryLimit(c echo.Context, def, maxLimit int) (int, error) {
	if err := wrongPageSizeName(c, "page_size", "limit"); err != nil {
		return 0, err
	}
	v := c.QueryParam("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return 0, apperr.Invalid("The limit is out of range.", apperr.FieldError{Field: "limit", Message: "must be between 1 and " + strconv.Itoa(maxLimit)})
	}
	return n, nil
}

// queryUUID reads an optional UUID query parameter. Returns EINVALID.
func queryUUID(c echo.Context, name string) (*uuid.UUID, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		return nil, apperr.Invalid("Invalid query parameter.", apperr.FieldError{Field: name, Message: "must be a valid id"})
	}
	return &id, nil
}

// queryBool reads an optional true/false query parameter (nil when
// absent). Returns EINVALID.
func queryBool(c echo.Context, name string) (*bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, apperr.Invalid("Invalid query parameter.", apperr.FieldError{Field: name, Message: "must be true or false"})
	}
	return &b, nil
}

// queryPageSize reads ?page_size= (default min(25, max)) and refuses
// limit; the range is checked by the service against the package maximum.
// Returns EINVALID for a non-number.
func queryPageSize(c echo.Context, maxSize int) (int, error) {
	if err := wrongPageSizeName(c, "limit", "page_size"); err != nil {
		return 0, err
	}
	v := c.QueryParam("page_size")
	if v == "" {
		return min(defaultPageSize, maxSize), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, apperr.Invalid("Invalid page size.", apperr.FieldError{Field: "page_size", Message: "must be an integer"})
	}
	return n, nil
}

const (
	headerETag    = "ETag"
	headerIfMatch = "If-Match"
)

// ifMatch reads the If-Match header's entity tags (nil without one): a
// write that names the version it edits (the ETag of its read) is refused
// with 412 when the object changed meanwhile.
func ifMatch(c echo.Context) []string {
	v := strings.TrimSpace(c.Request().Header.Get(headerIfMatch))
	if v == "" {
		return nil
	}
	var tags []string
	for t := range strings.SplitSeq(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	if tags == nil {
		return []string{}
	}
	return tags
}
