package profile

import "github.com/photolab/privacyportal/models"

// fieldNames are the form's field names, in form order. They name the
// history rows and a conflict's fields, so they must not be renamed.
var fieldNames = [...]string{
	"first_name", "last_name", "phone", "birth_date", "gender", "preferred_language", "time_zone",
	"billing.line1", "billing.line2", "billing.postal_code", "billing.city", "billing.region", "billing.country",
	"delivery.line1", "delivery.line2", "delivery.postal_code", "delivery.city", "delivery.region", "delivery.country",
}

type values [len(fieldNames)]string

func inputValues(in Input) values {
	return values{
		in.FirstName, in.LastName, in.Phone, in.BirthDate, in.Gender, in.PreferredLanguage, in.TimeZone,
		in.Billing.Line1, in.Billing.Line2, in.Billing.PostalCode, in.Billing.City, in.Billing.Region, in.Billing.Country,
		in.Delivery.Line1, in.Delivery.Line2, in.Delivery.PostalCode, in.Delivery.City, in.Delivery.Region, in.Delivery.Country,
	}
}

func snapshotValues(s Snapshot) values { return inputValues(s.Input()) }

func addressInput(a models.Address) AddressInput {
	return AddressInput{
		Line1: a.Line1, Line2: a.Line2, PostalCode: a.PostalCode,
		City: a.City, Region: a.Region, Country: a.Country,
	}
}

// differing lists the fields whose stored value is not the submitted one.
func differing(cur Snapshot, in Input) []string {
	old, neu := snapshotValues(cur), inputValues(in)
	var out []string
	for i, name := range fieldNames {
		if old[i] != neu[i] {
			out = append(out, name)
		}
	}
	return out
}

// Input returns the snapshot as a form would show it, Version included, so
// a handler can fill the form and a caller can edit and save it back.
func (s Snapshot) Input() Input {
	p := s.Profile
	return Input{
		FirstName: p.FirstName, LastName: p.LastName, Phone: p.Phone, BirthDate: p.BirthDate,
		Gender: p.Gender, PreferredLanguage: p.PreferredLanguage, TimeZone: p.TimeZone,
		Billing: addressInput(s.Billing), Delivery: addressInput(s.Delivery),
		Version: p.Version,
	}
}
