package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onecloudai/contacts/internal/identity"
)

// UpdateMeRequest changes the signed-in user's own details. The email
// address is the sign-in name and cannot be changed here: unknown fields
// are refused.
type UpdateMeRequest struct {
	// Name is the display name teammates see; empty clears it.
	Name *string `json:"name,omitempty" maxLength:"200" example:"Jane Doe"`
} //	@name	UpdateMeRequest

// updateMe godoc
//
//	@Summary		Update my account
//	@Description	Changes the signed-in user's display name (free text, at most 200 characters; empty clears it), which teammates see on the team page and in the audit log. The change is audited as user.updated. The email address cannot be changed here.
//	@ID				updateMe
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		UpdateMeRequest	true	"Changes"
//	@Success		200		{object}	User
//	@Failure		400		{object}	Problem	"Malformed JSON or an empty body"
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem	"insufficient-scope: an API key (account routes are for signed-in users)"
//	@Failure		413		{object}	Problem	"The body is over the request size limit (MAX_BODY_BYTES)"
//	@Failure		415		{object}	Problem	"Content-Type is not application/json"
//	@Failure		422		{object}	Problem
//	@Router			/me [patch]
func (s *Server) updateMe(c echo.Context) error {
	var req UpdateMeRequest
	if err := s.bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.Identity.UpdateProfile(c.Request().Context(), principal(c).UserID, identity.ProfileParams{Name: req.Name})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUser(u))
}
