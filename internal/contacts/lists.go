package contacts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"gorm.io/gorm"

	"github.com/onecloudai/contacts/internal/platform/apperr"
)

// List is a named set of the tenant's saved contacts.
type List struct {
	ID          uuid.UUID  `json:"id"`
	Name        string     `json:"name"`
	MemberCount int        `json:"member_count"`
	CreatedBy   *uuid.UUID `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// MaxListNameLen bounds a list name.
const MaxListNameLen = 100

// MaxLists caps a tenant's lists: every page of the workspace shows all
// of them, with their member counts.
const MaxLists = 500

func errListNotFound() error { return apperr.Errorf(apperr.ENOTFOUND, "The list does not exist.") }

func listName(name string) (string, error) {
	n, ok := NormalizeText(name, MaxListNameLen)
	if !ok {
		return "", apperr.Invalid("Invalid list name.", apperr.FieldError{Field: "name",
			Message: fmt.Sprintf("must be 1 to %d characters", MaxListNameLen)})
	}
	if strings.EqualFold(n, AllSavedName) {
		return "", &apperr.Error{Code: apperr.ECONFLICT, Message: fmt.Sprintf("%q is the name of the view of every saved contact.", AllSavedName),
			Fields: []apperr.FieldError{{Field: "name", Message: "is the name of the built-in view of every saved contact"}}}
	}
	return n, nil
}

// AllSavedName is the name under which the SPA's lists sidebar shows
// every saved contact, above the lists: a list of that name would stand
// beside it, indistinguishable, so no list may take it (in any case).
const AllSavedName = "All saved contacts"

func errListNameTaken(name string) error {
	return &apperr.Error{Code: apperr.ECONFLICT, Message: fmt.Sprintf("A list named %q already exists.", name),
		Fields: []apperr.FieldError{{Field: "name", Message: "is already used by another list"}}}
}

// listSelect reads the member count the list_members triggers keep
// (migration 00055): counting the members on each read cost 100 ms and
// more for a tenant with 200,000 memberships (docs/PERFORMANCE.md).
const listSelect = `SELECT l.id, l.name, l.created_by, l.created_at, l.updated_at, l.member_count FROM lists l`

func (s *Service) getList(tx *gorm.DB, tenantID, id uuid.UUID) (*List, error) {
	var ls []List
	if err := tx.Raw(listSelect+` WHERE l.tenant_id = ? AND l.id = ?`, tenantID, id).Scan(&ls).Error; err != nil {
		return nil, fmt.Errorf("contacts: get list: %w", err)
	}
	if len(ls) == 0 {
		return nil, errListNotFound()
	}
	ls[0].CreatedAt, ls[0].UpdatedAt = ls[0].CreatedAt.UTC(), ls[0].UpdatedAt.UTC()
	return &ls[0], nil
}

// CreateList creates a list. Names are unique per tenant, case-insensitively.
// Returns EINVALID for a bad name and ECONFLICT for a taken one.
func (s *Service) CreateList(ctx context.Context, tenantID, userID uuid.UUID, name string) (*List, error) {
	name, err := listName(name)
	if err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7())
	var out *List
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		// The tenant row's lock makes two concurrent creations count each
		// other. It is its own statement: the count must be read after the
		// lock is granted, and a statement reads the snapshot of its start,
		// which misses the lists of a creation that held the lock meanwhile.
		if err := tx.Exec(`SELECT 1 FROM tenants WHERE id = ? FOR NO KEY UPDATE`, tenantID).Error; err != nil {
			return fmt.Errorf("contacts: lock tenant: %w", err)
		}
		var n int64
		if err := tx.Raw(`SELECT count(*) FROM lists WHERE tenant_id = ?`, tenantID).Scan(&n).Error; err != nil {
			return fmt.Errorf("contacts: count lists: %w", err)
		}
		if n >= MaxLists {
			return apperr.Errorf(apperr.ECONFLICT, "This organization has %d lists, the most it can have. Delete one it no longer uses first.", n)
		}
		err := tx.Exec(`INSERT INTO lists (tenant_id, id, name, created_by) VALUES (?, ?, ?, ?)`,
			tenantID, id, name, byUser(userID)).Error
		if isUniqueViolation(err) {
			return errListNameTaken(name)
		}
		if err != nil {
			return fmt.Errorf("contacts: create list: %w", err)
		}
		out, err = s.getList(tx, tenantID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetList returns one list. Returns ENOTFOUND for a missing list or one of
// another tenant.
func (s *Service) GetList(ctx context.Context, tenantID, id uuid.UUID) (*List, error) {
	return s.getList(s.db.Gorm.WithContext(ctx), tenantID, id)
}

// ListLists returns the tenant's lists by name, in natural order
// (listNameOrder).
func (s *Service) ListLists(ctx context.Context, tenantID uuid.UUID) ([]List, error) {
	ls := []List{}
	if err := s.db.Gorm.WithContext(ctx).Raw(listSelect+` WHERE l.tenant_id = ?`, tenantID).
		Scan(&ls).Error; err != nil {
		return nil, fmt.Errorf("contacts: list lists: %w", err)
	}
	for i := range ls {
		ls[i].CreatedAt, ls[i].UpdatedAt = ls[i].CreatedAt.UTC(), ls[i].UpdatedAt.UTC()
	}
	cmp := listNameOrder()
	slices.SortFunc(ls, func(a, b List) int { return cmp(a.Name, a.ID, b.Name, b.ID) })
	return ls, nil
}

// listNameOrder compares list names as people read them: numbers by their
// value ("List 2" before "List 10"; in text order "List 10" came first),
// case and accents aside unless nothing else differs ("école" beside
// "Ecole", not after "zebra"), ties by id so the order is stable. Lists
// are sorted here, not in SQL: a tenant has at most MaxLists of them and
// GET /lists answers them all, and PostgreSQL's numeric ICU collation
// would need a collation object of our own. A Collator is not safe for
// concurrent use: each call takes a new one.
func listNameOrder() func(aName string, aID uuid.UUID, bName string, bID uuid.UUID) int {
	c := collate.New(language.Und, collate.Numeric)
	return func(aName string, aID uuid.UUID, bName string, bID uuid.UUID) int {
		if r := c.CompareString(aName, bName); r != 0 {
			return r
		}
		return strings.Compare(aID.String(), bID.String())
	}
}

// sortListRefs orders a contact's lists as ListLists orders the tenant's.
func sortListRefs(ls []ListRef) {
	if len(ls) < 2 {
		return
	}
	cmp := listNameOrder()
	slices.SortFunc(ls, func(a, b ListRef) int { return cmp(a.Name, a.ID, b.Name, b.ID) })
}

// RenameList renames a list. Returns EINVALID for a bad name, ECONFLICT for
// a taken one and ENOTFOUND for a missing list.
func (s *Service) RenameList(ctx context.Context, tenantID, id uuid.UUID, name string) (*List, error) {
	name, err := listName(name)
	if err != nil {
		return nil, err
	}
	r := s.db.Gorm.WithContext(ctx).Exec(`UPDATE lists SET name = ?, updated_at = now() WHERE tenant_id = ? AND id = ?`,
		name, tenantID, id)
	if isUniqueViolation(r.Error) {
		return nil, errListNameTaken(name)
	}
	if r.Error != nil {
		return nil, fmt.Errorf("contacts: rename list: %w", r.Error)
	}
	if r.RowsAffected == 0 {
		return nil, errListNotFound()
	}
	return s.getList(s.db.Gorm.WithContext(ctx), tenantID, id)
}

// DeleteList deletes a list; its contacts stay saved. Returns ENOTFOUND for
// a missing list.
func (s *Service) DeleteList(ctx context.Context, tenantID, id uuid.UUID) error {
	r := s.db.Gorm.WithContext(ctx).Exec(`DELETE FROM lists WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if r.Error != nil {
		return fmt.Errorf("contacts: delete list: %w", r.Error)
	}
	if r.RowsAffected == 0 {
		return errListNotFound()
	}
	return nil
}

// AddListMembers puts contacts on a list, saving those not saved yet; it
// returns how many were newly added. All or nothing like SaveContacts:
// ENOTFOUND for a missing list or any contact the tenant does not see,
// EINVALID for an empty or oversized id list.
func (s *Service) AddListMembers(ctx context.Context, tenantID, userID, listID uuid.UUID, contactIDs []uuid.UUID) (int, error) {
	res, err := s.SaveContacts(ctx, tenantID, userID, SaveParams{ContactIDs: contactIDs, ListID: &listID})
	if err != nil {
		return 0, err
	}
	return res.AddedToList, nil
}

// RemoveListMembers takes contacts off a list (they stay saved) and returns
// how many were on it. Returns ENOTFOUND for a missing list and EINVALID
// for an empty or oversized id list.
func (s *Service) RemoveListMembers(ctx context.Context, tenantID, listID uuid.UUID, contactIDs []uuid.UUID) (int, error) {
	ids, err := checkIDs("contact_ids", contactIDs)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.WithTx(ctx, func(tx *gorm.DB) error {
		if err := requireList(tx, tenantID, listID); err != nil {
			return err
		}
		// In id order, as an unsave's cascade takes them.
		r := tx.Exec(`DELETE FROM list_members m USING (SELECT contact_id FROM list_members
				WHERE tenant_id = ? AND list_id = ? AND contact_id = ANY(?::uuid[]) ORDER BY contact_id FOR UPDATE) x
			WHERE m.tenant_id = ? AND m.list_id = ? AND m.contact_id = x.contact_id`,
			tenantID, listID, uuidArray(ids), tenantID, listID)
		if r.Error != nil {
			return fmt.Errorf("contacts: remove from list: %w", r.Error)
		}
		n = int(r.RowsAffected)
		return tx.Exec(`UPDATE lists SET updated_at = now() WHERE tenant_id = ? AND id = ?`, tenantID, listID).Error
	})
	return n, err
}
