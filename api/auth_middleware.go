package api

import (
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/audit"
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
func (a routeAccess) String() string {
	switch {
	case a.public:
		return "public"
	case a.signedIn:
		return "signed-in"
	default:
		return string(a.perm)
	}
}

// handle registers a route with its access rule. Every API route goes
// through here, so the route table and the permission table cannot drift:
// TestRoutePermissions walks s.access.
func (s *Server) handle(g *echo.Group, method, path string, h echo.HandlerFunc, a routeAccess) {
	r := g.Add(method, path, h, s.authorize(a))
	s.access[method+" "+r.Path] = a
}

// authorize authenticates the request (unless public) and checks access.
func (s *Server) authorize(a routeAccess) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if a.public {
				s.attachActor(c, nil)
				return next(c)
			}
			p, err := s.authenticate(c)
			if err != nil {
				return err
			}
			c.Set(principalKey, p)
			s.attachActor(c, p)
			if !a.signedIn {
				if err := p.Can(a.perm); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
}

// authenticate resolves the credentials of the request.
func (s *Server) authenticate(c echo.Context) (*tenancy.Principal, error) {
	authz := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, token, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api"`)
		return nil, apperr.Errorf(apperr.EUNAUTHORIZED, "Sign in, or send an access token as 'Authorization: Bearer <token>'.")
	}
	p, err := s.svc.Identity.Authenticate(c.Request().Context(), strings.TrimSpace(token))
	if err != nil {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api", error="invalid_token"`)
		return nil, err
	}
	return p, nil
}

// attachActor puts the actor into the request context for audit events and
// names it in the access log.
func (s *Server) attachActor(c echo.Context, p *tenancy.Principal) {
	a := audit.Actor{IP: c.RealIP(), RequestID: requestID(c)}
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
