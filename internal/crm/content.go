package crm

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
)

// desired is what we would have the CRM hold for a contact: our data with
// the tenant's corrections overlaid, by CRM property.
func desired(c contentRow) map[string]string {
	p := map[string]string{"email": c.Email, "first_name": c.FirstName, "last_name": c.LastName, "phone": c.Phone,
		"job_title": c.Title, "company_name": c.CompanyName}
	var overlay map[string]string
	if len(c.Overlay) > 0 && json.Unmarshal(c.Overlay, &overlay) == nil {
		// Correction fields are named like contacts' columns.
		for field, prop := range map[string]string{"email": "email", "phone": "phone", "title": "job_title", "company_name": "company_name"} {
			if v, ok := overlay[field]; ok {
				p[prop] = v
			}
		}
	}
	return p
}

// contentHash identifies content: a contact whose hash equals the one last
// pushed is skipped as a duplicate. What the CRM is to hold depends on
// field ownership too (a field never sent is not in the CRM), so the modes
// of fields not left at fill_if_empty count as well: after an org admin
// changes them, pushing a contact again sends it as they now say, once.
// With every field at fill_if_empty the hash is that of the content alone.
func contentHash(p, modes map[string]string) []byte {
	h := sha256.New()
	for _, f := range Fields {
		h.Write([]byte(f))
		h.Write([]byte{0})
		h.Write([]byte(p[f]))
		h.Write([]byte{0})
	}
	for _, f := range Fields {
		if m := modes[f]; m != "" && m != OwnFillIfEmpty {
			h.Write([]byte{1})
			h.Write([]byte(f))
			h.Write([]byte{0})
			h.Write([]byte(m))
			h.Write([]byte{0})
		}
	}
	return h.Sum(nil)
}

// properties applies field ownership to the desired content. never: the
// field is not sent. overwrite: our value is sent. fill_if_empty: sent
// when the record is created; on an update only where the CRM's value is
// empty or still the one we sent last (ours to update), never over a value
// someone entered in the CRM. That needs the record read first, so
// needRead lists those fields; a value equal to the one sent last needs
// nothing. An empty value is sent ("" clears the CRM's, CRM_API §2) only
// on an update of a field we had sent a value for: a value we removed
// (a phone number deleted, a correction to none) leaves the CRM too, where
// ownership lets us write it.
func properties(want, lastSent map[string]string, modes map[string]string, update bool) (send map[string]string, needRead []string) {
	send = map[string]string{}
	for _, f := range Fields {
		v := want[f]
		if v == "" && (!update || lastSent[f] == "") {
			continue
		}
		switch modes[f] {
		case OwnNever:
		case OwnOverwrite:
			send[f] = v
		default:
			switch {
			case !update:
				send[f] = v
			case v != lastSent[f]:
				needRead = append(needRead, f)
			}
		}
	}
	return send, needRead
}

// fillable reports whether a fill_if_empty field may be written over the
// CRM's current value: it is empty, what we sent last, or already the value
// we are sending. The last is a replay: an update whose answer was lost (a
// worker that died after the CRM wrote) wrote our value without our
// recording it; sending it again records it as ours, so later changes of
// ours reach the field as before.
// propertyText is a read record's property as fillable compares it: a
// string as it is, null or absent as empty, and any other JSON value (a
// number or a flag a CRM-side field holds) as its text, so that it counts
// as a value someone set rather than as an empty field.
func propertyText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	if v := strings.TrimSpace(string(raw)); v != "null" {
		return v
	}
	return ""
}

func fillable(crmValue, lastSent, want string) bool {
	return crmValue == "" || strings.EqualFold(crmValue, lastSent) || strings.EqualFold(crmValue, want)
}
