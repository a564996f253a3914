package api

import (
	"fmt"
	"math"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/apikeys"
	"github.com/onecloudai/contacts/internal/audit"
	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/limits"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

const principalKey = "principal"

// routeAccess says who may call a route: anyone (public), any signed-in
// principal (signedIn), or holders of a permission.
type routeAccess struct {
	public   bool
	signedIn bool
	perm     tenancy.Permission
}

func public() routeAccess                   { return routeAccess{public: true} }
func signedIn() routeAccess                 { return routeAccess{signedIn: true} }
func perm(p tenancy.Permission) routeAccess { return routeAccess{perm: p} }

// handle registers a route with its access rule. Every API route goes
// through here, so the route table and the permission table cannot drift:
// TestRoutePermissions walks s.access.
func (s *Server) handle(g *echo.Group, method, path string, h echo.HandlerFunc, a routeAccess) {
	r := g.Add(method, path, h, s.authorize(a), checkQuery)
	s.access[method+" "+r.Path] = a
}

// authorize authenticates the request (unless public) and checks access.
func (s *Server) authorize(a routeAccess) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if a.public {
				s.attachActor(c, nil, false)
				return next(c)
			}
			p, err := s.authenticate(c, a)
			if err != nil {
				return err
			}
			c.Set(principalKey, p)
			s.attachActor(c, p, a.perm.IsPlatform())
			switch {
			case a.signedIn && p.IsAPIKey():
				// The account routes (me, password, switching tenants) are
				// a person's; a key belongs to the tenant, not to anyone.
				return &apperr.Error{Code: apperr.EFORBIDDEN, Type: "insufficient-scope",
					Message: "This route is for signed-in users; API keys cannot use it."}
			case !a.signedIn:
				if err := p.Can(a.perm); err != nil {
					return err
				}
			}
			if p.IsAPIKey() {
				// Counted once the key may use the route: a key over its
				// minute that calls a route it may not use learns so (403),
				// not to wait (429). The log line of a 429 names the key
				// and the tenant (attachActor above).
				if err := s.rateLimit(c, p); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
}

// keysMay reports whether an API key may call a route of access a (with
// the right scope).
func (a routeAccess) keysMay() bool {
	if a.public || a.signedIn || a.perm.IsPlatform() {
		return false
	}
	_, ok := tenancy.ScopeFor(a.perm)
	return ok
}

// authenticate resolves the credentials of the request: an API key
// (X-API-Key, or a Bearer credential starting with ock_) or an access token.
func (s *Server) authenticate(c echo.Context, a routeAccess) (*tenancy.Principal, error) {
	ctx := c.Request().Context()
	key := strings.TrimSpace(c.Request().Header.Get(headerAPIKey))
	scheme, token, hasAuthz := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	token = strings.TrimSpace(token)
	bearer := hasAuthz && strings.EqualFold(scheme, "Bearer") && token != ""
	if key == "" && bearer && apikeys.LooksLikeKey(token) {
		key = token
	}
	if key != "" {
		return s.authenticateKey(c, key, a)
	}
	if !bearer {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api"`)
		return nil, apperr.Errorf(apperr.EUNAUTHORIZED, "Sign in, or send an access token as 'Authorization: Bearer <token>' or an API key as 'X-API-Key'.")
	}
	p, err := s.svc.Identity.Authenticate(ctx, token)
	if err != nil {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api", error="invalid_token"`)
		return nil, err
	}
	return p, nil
}

// authenticateKey resolves an API key sent to a route of access a. Refused
// keys (unknown, revoked, expired: each cost a lookup) are counted against
// the caller's address (identity.KeyRefused). While the address is locked,
// a key this instance has seen valid recently (apikeys.SeenValid) is looked
// up and served as usual, so that integrations sharing the address with a
// misbehaving client go on; any other key is answered 429 rate-limited
// with Retry-After without a lookup once this instance has seen the lock
// (a lookup reads the lock in its own query; a refusal's count returns it).
// A key refused on this instance within apikeys.RefusedMemory is refused
// again from memory (401, no lookup, not counted), and a malformed key
// costs no lookup and is not counted either. A valid key pays no write.
func (s *Server) authenticateKey(c echo.Context, key string, a routeAccess) (*tenancy.Principal, error) {
	ctx := c.Request().Context()
	ip := c.RealIP()
	mem := s.svc.APIKeys.Remembered(key)
	if mem == apikeys.Unseen {
		if err := s.svc.Identity.KeyAddressLocked(ip); err != nil {
			return nil, lockedKeyAnswer(a, err)
		}
	}
	p, read, err := s.svc.APIKeys.AuthenticateFrom(ctx, key, identity.APIKeyThrottleKey(ip))
	var locked error
	if read.AddressLockedFor > 0 {
		locked = s.svc.Identity.KeyAddressLock(ip, read.AddressLockedFor)
	}
	if apperr.Code(err) == apperr.EUNAUTHORIZED {
		if read.LookedUp && locked == nil { // refused after a lookup: counted
			if terr := s.svc.Identity.KeyRefused(ctx, ip); terr != nil {
				if apperr.Code(terr) != apperr.ERATELIMIT {
					return nil, terr
				}
				locked = terr
			}
		}
		// A key seen valid before is told the truth (it was looked up): a
		// revoked key's integration must learn it, not wait and retry.
		if locked != nil && mem != apikeys.SeenValid {
			return nil, lockedKeyAnswer(a, locked)
		}
		// Every 401 names how to authenticate (RFC 9110 §15.5.2); a
		// key is also accepted as a Bearer credential.
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api", error="invalid_token"`)
	}
	return p, err
}

// lockedKeyAnswer is the answer to a key from a locked address: throttled
// (429) on a route keys may call; on one that no key may call, the 403 any
// key gets there, which needs no lookup to be true.
func lockedKeyAnswer(a routeAccess, throttled error) error {
	if a.keysMay() {
		return throttled
	}
	return &apperr.Error{Code: apperr.EFORBIDDEN, Type: "insufficient-scope",
		Message: "API keys cannot use this route; sign in as a user."}
}

// rateLimit counts an API-key request against the key's and the tenant's
// per-minute limits and sets the RateLimit-* headers on every answer.
func (s *Server) rateLimit(c echo.Context, p *tenancy.Principal) error {
	keyBucket := "key:" + p.APIKeyID.String()
	res, err := s.svc.Limits.AllowRequest(c.Request().Context(), []limits.RateBucket{
		{Name: keyBucket, Limit: p.RatePerMinute},
		{Name: "tenant:" + p.TenantID.String(), Limit: p.RatePerMinute},
	})
	if err != nil {
		return err
	}
	reset := int(math.Ceil(res.Reset.Seconds()))
	setRateLimit(c.Response().Header(), int64(res.Limit), int64(res.Remaining), reset)
	if !res.Allowed {
		// Say which limit refused: a key that made few requests is refused
		// when the tenant's other keys used up the minute.
		scope, whose := "tenant", "your organization's limit of %d API requests per minute, shared by all its API keys"
		if res.Refused == keyBucket {
			scope, whose = "api_key", "this API key's limit of %d requests per minute"
		}
		return &apperr.Error{Code: apperr.ERATELIMIT, Type: "rate-limited", RetryAfter: res.Reset,
			Message: fmt.Sprintf("Over "+whose+"; retry in %d s.", res.Limit, reset),
			Extra:   map[string]any{"limit": res.Limit, "reset_seconds": reset, "limit_scope": scope}}
	}
	return nil
}

const headerAPIKey = "X-API-Key"

// attachActor puts the actor into the request context for audit events and
// names it in the access log; staff says the route is a platform route.
func (s *Server) attachActor(c echo.Context, p *tenancy.Principal, staff bool) {
	a := audit.Actor{IP: c.RealIP(), RequestID: requestID(c), Staff: staff}
	if p != nil {
		a.Label = p.Label()
		if p.IsAPIKey() {
			id := p.APIKeyID
			a.APIKeyID = &id
			c.Set(logKeyPrefix+"api_key_id", id.String())
		} else {
			id := p.UserID
			a.UserID = &id
			c.Set(logKeyPrefix+"user_id", id.String())
		}
		if p.TenantID != uuid.Nil {
			c.Set(logKeyPrefix+"tenant_id", p.TenantID.String())
		}
	}
	req := c.Request()
	c.SetRequest(req.WithContext(audit.WithActor(req.Context(), a)))
}

// principal returns the authenticated principal of the request.
func principal(c echo.Context) *tenancy.Principal {
	p, _ := c.Get(principalKey).(*tenancy.Principal)
	return p
}
