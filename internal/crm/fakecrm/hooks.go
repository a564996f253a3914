package fakecrm

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// Sign returns the X-1CloudAI-Signature value for a webhook body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// sendWebhook delivers an event to the webhook URL, signed, and returns
// the status of the first delivery (0 when there is no URL or it failed to
// connect). Failed deliveries are retried in the background when
// WebhookRetries > 0.
func (s *Server) sendWebhook(typ, accountID string, extra map[string]any) int {
	if s.opts.WebhookURL == "" {
		return 0
	}
	ev := map[string]any{"event_id": randToken("evt_"), "type": typ, "account_id": accountID,
		"client_id": s.opts.ClientID, "occurred_at": s.now().Format(time.RFC3339)}
	for k, v := range extra {
		ev[k] = v
	}
	body, _ := json.Marshal(ev)
	status := s.deliver(body)
	if (status < 200 || status > 299) && s.opts.WebhookRetries > 0 {
		go func() {
			delay := time.Second
			for i := 0; i < s.opts.WebhookRetries; i++ {
				time.Sleep(delay)
				if st := s.deliver(body); st >= 200 && st <= 299 {
					return
				}
				delay *= 2
			}
		}()
	}
	return status
}

func (s *Server) deliver(body []byte) int {
	ts := s.now().Unix()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.opts.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-1CloudAI-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-1CloudAI-Signature", Sign(s.opts.WebhookSecret, ts, body))
	resp, err := s.opts.WebhookClient.Do(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.stats.WebhooksFailed++
		s.log.Warn("fakecrm: webhook delivery failed", "error", err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		s.stats.WebhooksSent++
	} else {
		s.stats.WebhooksFailed++
	}
	return resp.StatusCode
}

// Settings are the adjustable settings of the fake (POST /_fake/settings).
type Settings struct {
	AccessTokenTTLSeconds int `json:"access_token_ttl_seconds"`
	RateLimit             int `json:"rate_limit"`
	RateWindowSeconds     int `json:"rate_window_seconds"`
}

func (s *Server) settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Settings{AccessTokenTTLSeconds: int(s.opts.AccessTokenTTL / time.Second), RateLimit: s.opts.RateLimit,
		RateWindowSeconds: int(s.opts.RateWindow / time.Second)}
}

func (s *Server) getSettings(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.settings())
}

func (s *Server) putSettings(w http.ResponseWriter, r *http.Request) {
	var in Settings
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON"})
		return
	}
	s.mu.Lock()
	if in.AccessTokenTTLSeconds > 0 {
		s.opts.AccessTokenTTL = time.Duration(in.AccessTokenTTLSeconds) * time.Second
	}
	if in.RateLimit > 0 {
		s.opts.RateLimit = in.RateLimit
	}
	if in.RateWindowSeconds > 0 {
		s.opts.RateWindow = time.Duration(in.RateWindowSeconds) * time.Second
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.settings())
}

func (s *Server) getStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Server) postFaults(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Kind  FaultKind `json:"kind"`
		Count int       `json:"count"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Count < 1 ||
		(in.Kind != FaultRateLimit && in.Kind != FaultUnavailable && in.Kind != FaultTimeout) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"kind":"429"|"503"|"timeout","count":N}`})
		return
	}
	s.InjectFault(in.Kind, in.Count)
	writeJSON(w, http.StatusOK, in)
}

func (s *Server) postUninstall(w http.ResponseWriter, r *http.Request) {
	status := s.Uninstall(r.PathValue("id"))
	writeJSON(w, http.StatusOK, map[string]any{"account_id": r.PathValue("id"), "webhook_status": status})
}

func (s *Server) postDeleteContact(w http.ResponseWriter, r *http.Request) {
	notify := r.URL.Query().Get("notify") != "false"
	if !s.DeleteContact(r.PathValue("id"), r.PathValue("external_id"), notify) {
		apiError(w, http.StatusNotFound, "NOT_FOUND", "No such contact.", nil, nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("external_id")})
}

func (s *Server) postExpireTokens(w http.ResponseWriter, r *http.Request) {
	s.ExpireAccessTokens(r.PathValue("id"))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getRecords(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	total, live := s.Count(id)
	writeJSON(w, http.StatusOK, map[string]any{"account_id": id, "count": total, "live": live, "records": s.Records(id)})
}

func (s *Server) index(w http.ResponseWriter, _ *http.Request) {
	st := s.settings()
	s.mu.Lock()
	var rows bytes.Buffer
	for id, a := range s.accounts {
		fmt.Fprintf(&rows, "<li>%s: %d records</li>", html.EscapeString(id), len(a.records))
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>Fake 1CloudAI CRM</title></head><body>
<h1>Fake 1CloudAI CRM</h1><p>Implements CRM_API.md for development and tests. Access token TTL %d s; %d requests per %d s per account.</p>
<h2>Accounts</h2><ul>%s</ul>
<p>Test hooks: POST /_fake/accounts/{id}/uninstall, POST /_fake/accounts/{id}/delete-contact/{external_id},
GET /_fake/accounts/{id}/records, GET|POST /_fake/settings, POST /_fake/faults, GET /_fake/stats.</p></body></html>`,
		st.AccessTokenTTLSeconds, st.RateLimit, st.RateWindowSeconds, rows.String())
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// Consent plays the user on the consent page: it opens authorizeURL with
// client, submits Allow (or Deny) for accountID and returns where the CRM
// redirects the browser (the client's callback with code and state, or an
// error). client must not follow redirects.
func Consent(ctx context.Context, client *http.Client, authorizeURL, accountID string, allow bool) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusFound {
		return resp.Location()
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fakecrm: authorize page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{"account": {accountID}, "decision": {"deny"}}
	if allow {
		form.Set("decision", "allow")
	}
	for _, m := range hiddenRE.FindAllSubmatch(page, -1) {
		form.Set(string(m[1]), html.UnescapeString(string(m[2])))
	}
	u, _ := url.Parse(authorizeURL)
	u.RawQuery = ""
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewBufferString(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = client.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("fakecrm: consent answered %d", resp.StatusCode)
	}
	return resp.Location()
}

// NoRedirects is an http.Client for Consent.
func NoRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout: 10 * time.Second}
}
