package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/identity"
	"github.com/onecloudai/contacts/internal/platform/apperr"
	"github.com/onecloudai/contacts/internal/tenancy"
)

const refreshCookie = "contacts_refresh"

// SignupRequest creates an account and its organization.
type SignupRequest struct {
	Email      string `json:"email" validate:"required,max=254" example:"jane@acme.test"`
	Password   string `json:"password" validate:"required,min=10,max=128" example:"correct-horse-battery"`
	Name       string `json:"name,omitempty" validate:"max=200" example:"Jane Doe"`
	TenantName string `json:"tenant_name" validate:"required,min=2,max=200" example:"Acme"`
} //	@name	SignupRequest

// LoginRequest signs in with email and password.
type LoginRequest struct {
	Email    string `json:"email" validate:"required,max=254" example:"admin@acme.test"`
	Password string `json:"password" validate:"required,max=128" example:"demo-password-1"`
	// TenantID is the organization to sign in to; empty or absent for your
	// first one.
	TenantID string `json:"tenant_id,omitempty" validate:"omitempty,uuid" example:""`
} //	@name	LoginRequest

// SwitchTenantRequest names the tenant to work in.
type SwitchTenantRequest struct {
	TenantID string `json:"tenant_id" validate:"required,uuid" format:"uuid" example:"0193b2a0-7c1e-7d4a-9f3e-2b6c8d1e4f50"`
} //	@name	SwitchTenantRequest

// UserResponse is an account.
type UserResponse struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	SystemRole string     `json:"system_role" enums:"system_admin,support,user"`
	CreatedAt  time.Time  `json:"created_at" format:"date-time"`
	LastLogin  *time.Time `json:"last_login_at" format:"date-time" extensions:"x-nullable"`
	// PasswordChangedAt is when the password was last set: at sign-up, by
	// a change, a reset link or an administrator.
	PasswordChangedAt time.Time `json:"password_changed_at" format:"date-time"`
} //	@name	User

// TenantRefResponse is the tenant a token works in.
type TenantRefResponse struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Role   string `json:"role" enums:"org_admin,member,viewer"`
	Status string `json:"status" enums:"active,suspended"`
} //	@name	TenantRef

// TokenResponse answers signup, login, refresh, switch-tenant and
// invitation accept. The refresh token travels only in an httpOnly cookie.
type TokenResponse struct {
	AccessToken string             `json:"access_token"`
	TokenType   string             `json:"token_type" example:"Bearer"`
	ExpiresIn   int                `json:"expires_in" example:"600"`
	User        UserResponse       `json:"user"`
	Tenant      *TenantRefResponse `json:"tenant,omitempty"`
} //	@name	TokenResponse

func toUser(u identity.User) UserResponse {
	return UserResponse{ID: u.ID.String(), Email: u.Email, Name: u.Name, SystemRole: u.SystemRole, CreatedAt: u.CreatedAt.UTC(), LastLogin: u.LastLoginAt,
		PasswordChangedAt: u.PasswordChangedAt.UTC()}
}

func toTenantRef(t *identity.TenantRef) *TenantRefResponse {
	if t == nil {
		return nil
	}
	return &TenantRefResponse{ID: t.ID.String(), Name: t.Name, Role: string(t.Role), Status: t.Status}
}

// respondGrant writes the token response and rotates the refresh cookie.
func (s *Server) respondGrant(c echo.Context, status int, g identity.Grant) error {
	if g.RefreshToken != "" {
		s.setRefreshCookie(c, g.RefreshToken, identity.RefreshTTL)
	}
	return c.JSON(status, TokenResponse{
		AccessToken: g.AccessToken, TokenType: "Bearer",
		ExpiresIn: int(time.Until(g.ExpiresAt).Round(time.Second).Seconds()),
		User:      toUser(g.User), Tenant: toTenantRef(g.Tenant),
	})
}

// setRefreshCookie scopes the refresh token to the auth routes: it is never
// sent with other requests and never readable by scripts.
func (s *Server) setRefreshCookie(c echo.Context, value string, ttl time.Duration) {
	s.setCookie(c, &http.Cookie{Name: refreshCookie, Value: value, Path: "/api/v1/auth", SameSite: http.SameSiteStrictMode}, ttl)
}

// setCookie sets ck as every cookie of ours is: HttpOnly, Secure when the
// service is reached over https, for ttl (ttl ≤ 0 deletes it).
func (s *Server) setCookie(c echo.Context, ck *http.Cookie, ttl time.Duration) {
	ck.HttpOnly, ck.Secure = true, strings.HasPrefix(s.cfg.PublicURL, "https://")
	ck.MaxAge = -1
	if ttl > 0 {
		ck.MaxAge = int(ttl.Seconds())
	}
	c.SetCookie(ck)
}

func clientInfo(c echo.Context) identity.ClientInfo {
	return identity.ClientInfo{IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
}

// signup godoc
//
//	@Summary		Sign up
//	@Description	Creates an account and an organization on the Free package with you as its org admin, and signs you in. Sets the refresh cookie. An address (IP; IPv6 by its /64) may try 20 times, then waits (429, doubling). Public.
//	@ID				signup
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SignupRequest	true	"Account and organization"
//	@Success		201		{object}	TokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		413		{object}	Problem				"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem				"Content-Type is not application/json"
//	@Failure		422		{object}	Problem				"Invalid field, weak password or email already registered"
//	@Failure		429		{object}	Problem				"rate-limited: too many sign-ups from this address"
//	@Header			429		{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header			429		{integer}	RateLimit-Limit		"Attempts the throttle allows before it locks"
//	@Header			429		{integer}	RateLimit-Remaining	"0 while locked"
//	@Header			429		{integer}	RateLimit-Reset		"Seconds until the lock ends, as Retry-After"
//	@Router			/auth/signup [post]
func (s *Server) signup(c echo.Context) error {
	var req SignupRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	// The service checks every field (the tags above describe them for
	// the spec) and names all that are wrong in one answer.
	g, err := s.svc.Identity.Signup(c.Request().Context(), identity.SignupParams{
		Email: req.Email, Password: req.Password, Name: req.Name, TenantName: req.TenantName,
	}, clientInfo(c))
	if err != nil {
		return err
	}
	return s.respondGrant(c, http.StatusCreated, g)
}

// login godoc
//
//	@Summary		Sign in
//	@Description	Checks email and password and starts a session in your first (or the given) tenant. Sets the refresh cookie. Repeated failures are throttled per account and per IP (429 with Retry-After). Public.
//	@ID				login
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"Credentials"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem	"Wrong email or password (one answer for both)"
//	@Failure		404		{object}	Problem	"tenant_id names a tenant you are not a member of"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Failure		429		{object}	Problem				"Too many failures"
//	@Header			429		{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header			429		{integer}	RateLimit-Limit		"Attempts the throttle allows before it locks"
//	@Header			429		{integer}	RateLimit-Remaining	"0 while locked"
//	@Header			429		{integer}	RateLimit-Reset		"Seconds until the lock ends, as Retry-After"
//	@Router			/auth/login [post]
func (s *Server) login(c echo.Context) error {
	var req LoginRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p := identity.LoginParams{Email: req.Email, Password: req.Password}
	if req.TenantID != "" {
		id := uuid.MustParse(req.TenantID)
		p.TenantID = &id
	}
	g, err := s.svc.Identity.Login(c.Request().Context(), p, clientInfo(c))
	if err != nil {
		return err
	}
	return s.respondGrant(c, http.StatusOK, g)
}

// refresh godoc
//
//	@Summary		Refresh the access token
//	@Description	Spends the refresh token in the httpOnly cookie and sets the next one. A refresh token used twice ends the whole session (reuse detection), except within 30 s of its rotation while the token that rotation issued is unused (a retry after a lost answer, or two tabs at once): then it rotates again in the same session and that unused token is revoked. Public (the cookie is the credential).
//	@ID				refreshToken
//	@Tags			auth
//	@Produce		json
//	@Success		200	{object}	TokenResponse
//	@Failure		401	{object}	Problem	"No refresh token, or one that is used, expired or revoked: the cookie is cleared"
//	@Failure		500	{object}	Problem	"The token could not be checked: the cookie is kept, try again"
//	@Failure		503	{object}	Problem	"The database is unreachable: the cookie is kept, try again (Retry-After)"
//	@Router			/auth/refresh [post]
func (s *Server) refresh(c echo.Context) error {
	ck, err := c.Cookie(refreshCookie)
	token := ""
	if err == nil {
		token = ck.Value
	}
	g, err := s.svc.Identity.Refresh(c.Request().Context(), token)
	if err != nil {
		// Only a refused token ends the cookie: one the database could not
		// look up is still good for the next try.
		if apperr.Is(err, apperr.EUNAUTHORIZED) {
			s.setRefreshCookie(c, "", 0)
		}
		return err
	}
	return s.respondGrant(c, http.StatusOK, g)
}

// logout godoc
//
//	@Summary		Sign out
//	@Description	Ends the session of the refresh cookie (and of the access token, if sent) and clears the cookie. Public.
//	@ID				logout
//	@Tags			auth
//	@Success		204
//	@Router			/auth/logout [post]
func (s *Server) logout(c echo.Context) error {
	if err := s.endPresentedSessions(c); err != nil {
		return err
	}
	s.setRefreshCookie(c, "", 0)
	return c.NoContent(http.StatusNoContent)
}

// switchTenant godoc
//
//	@Summary		Switch tenant
//	@Description	Moves the session to another tenant you belong to and returns an access token for it.
//	@ID				switchTenant
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		SwitchTenantRequest	true	"Tenant"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem	"insufficient-scope: an API key (account routes are for signed-in users)"
//	@Failure		404		{object}	Problem	"Not a member of that organization"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/auth/switch-tenant [post]
func (s *Server) switchTenant(c echo.Context) error {
	var req SwitchTenantRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	g, err := s.svc.Identity.SwitchTenant(c.Request().Context(), principal(c), uuid.MustParse(req.TenantID))
	if err != nil {
		return err
	}
	return s.respondGrant(c, http.StatusOK, g)
}

// MeResponse is the signed-in user with their tenants and rights.
type MeResponse struct {
	User        UserResponse          `json:"user"`
	Tenant      *TenantRefResponse    `json:"tenant,omitempty"`
	Memberships []MembershipResponse  `json:"memberships"`
	Package     *PackageBriefResponse `json:"package,omitempty"`
	Permissions []string              `json:"permissions"`
} //	@name	Me

// MembershipResponse is one of the user's tenants.
type MembershipResponse struct {
	TenantID   string `json:"tenant_id"`
	TenantName string `json:"tenant_name"`
	Role       string `json:"role" enums:"org_admin,member,viewer"`
	Status     string `json:"status" enums:"active,suspended"`
} //	@name	Membership

// PackageBriefResponse names a package.
type PackageBriefResponse struct {
	Code string `json:"code"`
	Name string `json:"name"`
} //	@name	PackageBrief

// getMe godoc
//
//	@Summary		Who am I
//	@Description	The signed-in user, the current tenant and role, every membership, the tenant's effective package and the permissions the role grants.
//	@ID				getMe
//	@Tags			auth
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	MeResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem	"insufficient-scope: an API key (account routes are for signed-in users)"
//	@Router			/me [get]
func (s *Server) getMe(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	u, err := s.svc.Identity.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	ms, err := s.svc.Identity.Memberships(ctx, p.UserID)
	if err != nil {
		return err
	}
	out := MeResponse{User: toUser(u), Memberships: make([]MembershipResponse, 0, len(ms)), Permissions: []string{}}
	for _, m := range ms {
		out.Memberships = append(out.Memberships, MembershipResponse{TenantID: m.TenantID.String(), TenantName: m.TenantName, Role: string(m.Role), Status: m.Status})
	}
	if p.TenantID != uuid.Nil {
		out.Tenant = &TenantRefResponse{ID: p.TenantID.String(), Name: p.TenantName, Role: string(p.Role), Status: p.TenantStatus}
		plan, err := s.svc.Limits.Plan(ctx, p.TenantID)
		if err != nil {
			return err
		}
		out.Package = &PackageBriefResponse{Code: plan.Package.Code, Name: plan.Package.Name}
	}
	for _, perm := range tenancy.PermissionsOf(p.Role, p.SystemRole) {
		out.Permissions = append(out.Permissions, string(perm))
	}
	return c.JSON(http.StatusOK, out)
}

// ChangePasswordRequest replaces the password.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=128" example:"demo-password-1"`
	NewPassword     string `json:"new_password" validate:"required,min=10,max=128" example:"correct-horse-battery-2"`
} //	@name	ChangePasswordRequest

// changePassword godoc
//
//	@Summary		Change password
//	@Description	Checks the current password, sets the new one and ends every other session.
//	@ID				changePassword
//	@Tags			auth
//	@Accept			json
//	@Security		BearerAuth
//	@Param			body	body	ChangePasswordRequest	true	"Passwords"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem	"insufficient-scope: an API key (account routes are for signed-in users)"
//	@Failure		413	{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415	{object}	Problem	"Content-Type is not application/json"
//	@Failure		422	{object}	Problem
//	@Failure		429	{object}	Problem				"login-throttled: too many wrong current passwords for the account"
//	@Header			429	{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header			429	{integer}	RateLimit-Limit		"Attempts the throttle allows before it locks"
//	@Header			429	{integer}	RateLimit-Remaining	"0 while locked"
//	@Header			429	{integer}	RateLimit-Reset		"Seconds until the lock ends, as Retry-After"
//	@Router			/me/password [post]
func (s *Server) changePassword(c echo.Context) error {
	var req ChangePasswordRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	if err := s.svc.Identity.ChangePassword(c.Request().Context(), principal(c), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// PasswordResetRequest asks for a reset link.
type PasswordResetRequest struct {
	Email string `json:"email" validate:"required,max=254" example:"jane@example.com"`
} //	@name	PasswordResetRequest

// requestPasswordReset godoc
//
//	@Summary		Ask for a password reset link
//	@Description	Public. Mails a link to reset the password of the account with this email, valid for an hour and once; only the newest link works. The answer is 202, with the same work and time, whether or not an account exists (a background job looks it up). An account gets at most 3 links an hour; an address (IP) may ask 20 times, then waits (429, doubling). Signed-in users change their password with POST /me/password.
//	@ID				requestPasswordReset
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	PasswordResetRequest	true	"Email"
//	@Success		202
//	@Failure		400	{object}	Problem				"Malformed JSON or an empty body"
//	@Failure		413	{object}	Problem				"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415	{object}	Problem				"Content-Type is not application/json"
//	@Failure		422	{object}	Problem				"Not an email address"
//	@Failure		429	{object}	Problem				"rate-limited: too many requests from this address"
//	@Header			429	{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header			429	{integer}	RateLimit-Limit		"Attempts the throttle allows before it locks"
//	@Header			429	{integer}	RateLimit-Remaining	"0 while locked"
//	@Header			429	{integer}	RateLimit-Reset		"Seconds until the lock ends, as Retry-After"
//	@Router			/auth/password-reset [post]
func (s *Server) requestPasswordReset(c echo.Context) error {
	var req PasswordResetRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	if err := s.svc.Identity.RequestPasswordReset(c.Request().Context(), req.Email, clientInfo(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

// ResetPasswordRequest sets a new password with a reset link's token.
type ResetPasswordRequest struct {
	Token    string `json:"token" validate:"required,max=200" example:"the-token-from-the-reset-link"`
	Password string `json:"password" validate:"required,min=10,max=128" example:"correct-horse-battery-2"`
} //	@name	ResetPasswordRequest

// resetPassword godoc
//
//	@Summary		Reset the password with a link
//	@Description	Public. Sets the new password with the token of a reset link (the part after #token=), once; every session of the account ends, so sign in again. An expired, used or unknown token is a 422 of type invalid-reset-link.
//	@ID				resetPassword
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	ResetPasswordRequest	true	"Token and new password"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		413	{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415	{object}	Problem	"Content-Type is not application/json"
//	@Failure		422	{object}	Problem	"invalid-reset-link, or a password the policy refuses"
//	@Router			/auth/password-reset/confirm [post]
func (s *Server) resetPassword(c echo.Context) error {
	var req ResetPasswordRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	if err := s.svc.Identity.ResetPassword(c.Request().Context(), req.Token, req.Password); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// InvitationTokenRequest carries an invitation token.
type InvitationTokenRequest struct {
	Token string `json:"token" validate:"required,max=200" example:"the-token-from-the-invitation-link"`
} //	@name	InvitationTokenRequest

// InvitationPreviewResponse describes an open invitation.
type InvitationPreviewResponse struct {
	TenantName string    `json:"tenant_name"`
	Email      string    `json:"email"`
	Role       string    `json:"role" enums:"org_admin,member,viewer"`
	ExpiresAt  time.Time `json:"expires_at" format:"date-time"`
} //	@name	InvitationPreview

// lookupInvitation godoc
//
//	@Summary		Look up an invitation
//	@Description	Describes the invitation of a token (tenant, email, role, expiry) for the accept page. It does not say whether the email has an account: the inviting admin holds the link too. The token travels in the body, never in a URL. Public.
//	@ID				lookupInvitation
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		InvitationTokenRequest	true	"Token"
//	@Success		200		{object}	InvitationPreviewResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		404		{object}	Problem	"Unknown, used, revoked or expired"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/invitations/lookup [post]
func (s *Server) lookupInvitation(c echo.Context) error {
	var req InvitationTokenRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	p, err := s.svc.Tenancy.LookupInvitation(c.Request().Context(), req.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, InvitationPreviewResponse{TenantName: p.TenantName, Email: p.Email, Role: string(p.Role), ExpiresAt: p.ExpiresAt.UTC()})
}

// AcceptInvitationRequest accepts an invitation. A new account gives its
// name and a password; an existing account gives its password.
type AcceptInvitationRequest struct {
	Token    string `json:"token" validate:"required,max=200" example:"the-token-from-the-invitation-link"`
	Name     string `json:"name,omitempty" maxLength:"200" example:"Jane Doe"`
	Password string `json:"password" validate:"required,max=128" example:"correct-horse-battery"`
} //	@name	AcceptInvitationRequest

// acceptInvitation godoc
//
//	@Summary		Accept an invitation
//	@Description	Joins the invitation's tenant (creating the account if the email has none) and signs in there. Single use; expires after 7 days. Public; an access token sent along (a browser signed in before) has its session ended.
//	@ID				acceptInvitation
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		AcceptInvitationRequest	true	"Acceptance"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		403		{object}	Problem	"The invitation is for another email address, or the organization is suspended"
//	@Failure		404		{object}	Problem	"Unknown, used, revoked or expired"
//	@Failure		409		{object}	Problem	"No seat left on the tenant's package"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Failure		429		{object}	Problem				"login-throttled: too many wrong passwords for the existing account or from this IP"
//	@Header			429		{integer}	Retry-After			"Seconds to wait before retrying"
//	@Header			429		{integer}	RateLimit-Limit		"Attempts the throttle allows before it locks"
//	@Header			429		{integer}	RateLimit-Remaining	"0 while locked"
//	@Header			429		{integer}	RateLimit-Reset		"Seconds until the lock ends, as Retry-After"
//	@Router			/invitations/accept [post]
func (s *Server) acceptInvitation(c echo.Context) error {
	var req AcceptInvitationRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	g, err := s.svc.Identity.AcceptInvitation(ctx, identity.AcceptParams{Token: req.Token, Name: req.Name, Password: req.Password}, clientInfo(c))
	if err != nil {
		return err
	}
	// A browser signed in before switches accounts: end that session rather
	// than leave it open behind the replaced cookie. The refresh cookie is
	// not sent here (its path is /api/v1/auth), so the session is the one
	// of the access token the SPA sends along. The invitation is used up
	// by now, so a failure here is logged, not answered.
	if err := s.endPresentedSessions(c); err != nil {
		s.log.WarnContext(ctx, "end the session signed in before an accepted invitation", "request_id", requestID(c), "error", err)
	}
	return s.respondGrant(c, http.StatusOK, g)
}

// AcceptInvitationSignedInRequest accepts an invitation as the signed-in user.
type AcceptInvitationSignedInRequest struct {
	Token string `json:"token" validate:"required,max=200" example:"the-token-from-the-invitation-link"`
} //	@name	AcceptInvitationSignedInRequest

// acceptInvitationSignedIn godoc
//
//	@Summary		Accept an invitation as the signed-in user
//	@Description	For a user already signed in as the invited email address: joins the invitation's tenant without a password (the session proves the account) and moves the session there, as switch-tenant does. Single use; expires after 7 days.
//	@ID				acceptInvitationSignedIn
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		AcceptInvitationSignedInRequest	true	"Invitation"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem	"The invitation is for another email address, the organization is suspended, or insufficient-scope: an API key (account routes are for signed-in users)"
//	@Failure		404		{object}	Problem	"Unknown, used, revoked or expired"
//	@Failure		409		{object}	Problem	"No seat left on the tenant's package"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/me/invitations/accept [post]
func (s *Server) acceptInvitationSignedIn(c echo.Context) error {
	var req AcceptInvitationSignedInRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	g, err := s.svc.Identity.AcceptInvitationSignedIn(c.Request().Context(), principal(c), req.Token)
	if err != nil {
		return err
	}
	return s.respondGrant(c, http.StatusOK, g)
}

// endPresentedSessions ends the sessions the request proves: the refresh
// cookie's (where the browser sends it) and the bearer access token's.
// Credentials that are invalid or already ended are ignored.
func (s *Server) endPresentedSessions(c echo.Context) error {
	ctx := c.Request().Context()
	if ck, err := c.Cookie(refreshCookie); err == nil && ck.Value != "" {
		if err := s.svc.Identity.LogoutByRefresh(ctx, ck.Value); err != nil {
			return err
		}
	}
	scheme, token, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	if p, err := s.svc.Identity.Authenticate(ctx, strings.TrimSpace(token)); err == nil {
		return s.svc.Identity.Logout(ctx, p.SessionID)
	}
	return nil
}
