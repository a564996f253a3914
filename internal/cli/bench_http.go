package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/api"
	"github.com/onecloudai/contacts/internal/apikeys"
	"github.com/onecloudai/contacts/internal/billing"
	"github.com/onecloudai/contacts/internal/config"
	"github.com/onecloudai/contacts/internal/contacts"
	"github.com/onecloudai/contacts/internal/db"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/tenancy"
)

// benchServer runs the real API on a loopback port for the HTTP benchmarks
// and signs in a user of the benchmark tenant (Enterprise package, so page
// sizes and quotas do not interfere). It returns the base URL, an access
// token, an API key with contacts:read, and a stop function.
func benchServer(ctx context.Context, cfg config.Config, d *db.DB) (base, token, key string, stop func(), err error) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	svc := api.NewServices(cfg, log, d)
	// The mix repeats its searches; measure each as a new, charged one.
	svc.Limits.WithRepeatWindow(0)
	email := "bench-" + uuid.NewString()[:8] + "@bench.test"
	const pw = "benchmark-password-1"
	u, err := svc.Identity.CreateUser(ctx, email, "Benchmark", pw, tenancy.SystemUser)
	if err != nil {
		return "", "", "", nil, err
	}
	if err := d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return tenancy.AddMember(ctx, tx, benchTenantID, u.ID, tenancy.RoleOrgAdmin)
	}); err != nil {
		return "", "", "", nil, err
	}
	if _, err := svc.Billing.SetManual(ctx, benchTenantID, billing.ManualParams{PackageCode: "enterprise", Status: billing.StatusActive, Reason: "benchmark"}); err != nil {
		return "", "", "", nil, err
	}
	g, err := svc.Identity.Login(ctx, identity.LoginParams{Email: email, Password: pw, TenantID: &benchTenantID}, identity.ClientInfo{IP: "127.0.0.1"})
	if err != nil {
		return "", "", "", nil, err
	}
	k, err := svc.APIKeys.Create(ctx, benchTenantID, u.ID, apikeys.CreateParams{Name: "benchmark", Scopes: []string{"contacts:read"}})
	if err != nil {
		return "", "", "", nil, err
	}
	cfg.ShutdownDrainDelay = 0 // no load balancer in front: the benchmark's end closes at once
	srv := api.New(api.Deps{Config: cfg, Logger: log, DB: d, Services: svc})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", "", nil, err
	}
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.ServeListener(sctx, ln); close(done) }()
	flushed := make(chan struct{}) // the key usage flusher's last write comes before the database closes
	go func() { svc.APIKeys.Run(sctx, 5*time.Second); close(flushed) }()
	return "http://" + ln.Addr().String(), g.AccessToken, k.Secret, func() { cancel(); <-done; <-flushed }, nil
}

// httpSearcher posts searches with one credential.
type httpSearcher struct {
	client *http.Client
	url    string
	header string
	value  string
}

func newHTTPSearcher(base, header, value string, clients int) *httpSearcher {
	return &httpSearcher{
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}},
		url:    base + "/api/v1/contacts/search", header: header, value: value,
	}
}

// searchBody is the JSON of a search as the API takes it.
func searchBody(p contacts.SearchParams) []byte {
	f := p.Filters
	body := map[string]any{"query": p.Query, "sort": p.Sort, "page_size": p.PageSize, "cursor": p.Cursor, "facets": p.Facets,
		"filters": api.SearchFilters{Titles: f.Titles, Seniorities: f.Seniorities, Departments: f.Departments,
			CompanyNames: f.CompanyNames, CompanyDomains: f.CompanyDomains, Industries: f.Industries,
			EmployeeRanges: f.EmployeeRanges, Countries: f.Countries, Regions: f.Regions, Cities: f.Cities,
			HasEmail: f.HasEmail, HasPhone: f.HasPhone, ExcludeSaved: f.ExcludeSaved}}
	b, _ := json.Marshal(body)
	return b
}

func (h *httpSearcher) do(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(h.header, h.value)
	res, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", res.StatusCode, b)
	}
	return nil
}

// runConcurrent runs fn for every (client, iteration) and collects latency
// by key.
func runConcurrent(clients, perClient int, fn func(client, it int) (key int, err error)) (map[int][]time.Duration, time.Duration, error) {
	lat := map[int][]time.Duration{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range perClient {
				t := time.Now()
				k, err := fn(c, it)
				el := time.Since(t)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				lat[k] = append(lat[k], el)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, time.Since(start), firstErr
}
