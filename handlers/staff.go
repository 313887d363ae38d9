package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

func (h *Handler) staff(w http.ResponseWriter, r *http.Request) {
	h.renderStaff(w, r, http.StatusOK, views.StaffForm{Role: string(models.RoleStaff)})
}

func (h *Handler) renderStaff(w http.ResponseWriter, r *http.Request, status int, form views.StaffForm) {
	rows, err := h.Accounts.Staff(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	members := make([]views.StaffMember, 0, len(rows))
	for _, u := range rows {
		members = append(members, views.StaffMember{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role),
			TOTPEnabled: u.HasTOTP(), CreatedAt: u.CreatedAt, Self: u.ID == CurrentUser(r).ID})
	}
	h.render(w, r, status, views.StaffPage(h.page(r, i18n.T(r.Context(), "staff_admin.title")), members, form))
}

func (h *Handler) createStaff(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := views.StaffForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Errors: views.FieldErrors{}}
	_, err := h.Accounts.CreateStaff(ctx, h.actor(r), form.Email, form.Name, models.Role(form.Role), i18n.Locale(ctx))
	switch {
	case err == nil:
		addFlash(r, flashSuccess, "staff.created")
		h.redirect(w, r, "/admin/staff")
		return
	case errors.Is(err, account.ErrInvalidEmail):
		form.Errors["email"] = i18n.T(ctx, "staff.error.email_invalid")
	case errors.Is(err, account.ErrEmailTaken):
		form.Errors["email"] = i18n.T(ctx, "staff.error.email_taken")
	case errors.Is(err, account.ErrNameRequired):
		form.Errors["name"] = i18n.T(ctx, "staff.error.name_required")
	case errors.Is(err, account.ErrNameTooLong):
		form.Errors["name"] = i18n.T(ctx, "staff.error.name_too_long", "Max", account.MaxNameLength)
	case errors.Is(err, account.ErrNameInvalid):
		form.Errors["name"] = i18n.T(ctx, "staff.error.name_invalid")
	case errors.Is(err, account.ErrInvalidRole):
		form.Errors["role"] = i18n.T(ctx, "staff.error.role")
	default:
		h.fail(w, r, err)
		return
	}
	h.renderStaff(w, r, http.StatusUnprocessableEntity, form)
}

func (h *Handler) resetStaffTOTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	err = h.Accounts.ResetTOTP(r.Context(), h.actor(r), id)
	if errors.Is(err, account.ErrNotFound) {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "staff.totp_reset")
	h.redirect(w, r, "/admin/staff")
}
