package api

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzhttp"
	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"

	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/openapi"
)

func (s *Server) openAPI(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openapi.JSON)
}

func (s *Server) docsRedirect(c echo.Context) error {
	return c.Redirect(http.StatusFound, "/docs/index.html")
}

// swaggerUI is Swagger UI's handler: assets embedded in the binary (works
// offline), the spec read from /openapi.json.
var swaggerUI = echoSwagger.EchoWrapHandler(
	// Replace the default doc.json/doc.yaml: the spec is only /openapi.json.
	func(c *echoSwagger.Config) { c.URLs = []string{"/openapi.json"} },
	echoSwagger.DeepLinking(true),
	echoSwagger.DocExpansion("list"),
	echoSwagger.PersistAuthorization(true),
)

// docs serves Swagger UI.
func (s *Server) docs() echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if name := path.Base(req.URL.Path); name == "doc.json" || name == "doc.yaml" {
			// Swagger UI's handler would read these from swag's registry,
			// which holds nothing: a 500 for anyone who asks.
			return apperr.Errorf(apperr.ENOTFOUND, "The OpenAPI description is /openapi.json.")
		}
		// The handler gets a copy of the request: it rewrites the URL's
		// path (the access log and problems name the path asked for),
		// picks the file from RequestURI (query included: the path alone
		// here), and serves GET only (HEAD is GET without the body, which
		// net/http drops: it goes by the request it read, still HEAD).
		r := *req
		u := *req.URL
		r.URL, r.RequestURI = &u, u.EscapedPath()
		if r.Method == http.MethodHead {
			r.Method = http.MethodGet
		}
		c.SetRequest(&r)
		defer c.SetRequest(req)
		return swaggerUI(c)
	}
}

// docsScriptSources are the hashes of the inline scripts of Swagger UI's
// index page ('sha256-…' sources), which start it with its settings: the
// page's Content-Security-Policy allows those scripts and no other inline
// script. They are read from the page the handler writes, so they follow
// the handler's template and settings.
var docsScriptSources = sync.OnceValue(func() []string {
	req := httptest.NewRequest(http.MethodGet, "/docs/index.html", nil)
	rec := httptest.NewRecorder()
	if err := swaggerUI(echo.New().NewContext(req, rec)); err != nil {
		panic(fmt.Sprintf("render Swagger UI's index page: %v", err))
	}
	var sources []string
	for _, m := range inlineScript.FindAllSubmatch(rec.Body.Bytes(), -1) {
		sum := sha256.Sum256(m[1])
		sources = append(sources, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	if len(sources) == 0 {
		panic("Swagger UI's index page has no inline script to start it")
	}
	return sources
})

// inlineScript is a script element without attributes, and its text.
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// notFound answers requests that match no route: API paths get a problem
// naming the path, GET and HEAD elsewhere get the SPA.
func (s *Server) notFound() func(echo.Context) error {
	spa := s.spa()
	return func(c echo.Context) error {
		req := c.Request()
		if strings.HasPrefix(req.URL.Path, "/api/") || req.URL.Path == "/api" {
			return apperr.Errorf(apperr.ENOTFOUND, "No API route matches %s %s.", req.Method, req.URL.Path)
		}
		return spa(c)
	}
}

// spa serves the SPA build. Files are served as they are (hashed assets
// cached for a year), compressed for clients that accept it (gzhttp: gzip
// or zstd, by Accept-Encoding, with Vary; the first load is about a
// quarter of its size); any other path is a client-side route and gets
// index.html, which is never cached so a deploy takes effect at once. A
// missing file under /assets/ is 404, not index.html: an index.html cached
// from before a deploy asks for bundles that are gone, and HTML served as
// its script fails obscurely (or is cached a year as that bundle).
func (s *Server) spa() echo.HandlerFunc {
	dist := s.spaFiles
	files := gzhttp.GzipHandler(http.FileServer(http.FS(dist)))
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			return apperr.Errorf(apperr.ENOTFOUND, "No route matches %s %s.", req.Method, req.URL.Path)
		}
		name := strings.TrimPrefix(path.Clean("/"+req.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(dist, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(c.Response(), req)
				return nil
			}
		}
		if name == "assets" || strings.HasPrefix(name, "assets/") {
			return apperr.Errorf(apperr.ENOTFOUND, "No such file: %s (the web app may have been updated; reload the page).", req.URL.Path)
		}
		index, err := fs.ReadFile(dist, "index.html")
		if err != nil {
			return apperr.Errorf(apperr.EUNAVAILABLE, "The web app is not built into this binary; run `make build`.")
		}
		c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
		return c.HTMLBlob(http.StatusOK, index)
	}
}
