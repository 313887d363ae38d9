package holdings

// Record says which record of a category a correctable field lives on.
type Record int

const (
	// RecordOwn is the customer's own single row (the profile): a
	// correction names it with RecordID 0.
	RecordOwn Record = iota
	// RecordRow is one of the customer's rows, named by its id; Table and
	// Column say where the value is stored.
	RecordRow
)

// Correctable is one field of a category that staff may correct when a
// rectification request is approved (GDPR Art. 16). Field is the key a
// correction names (models.RequestCorrection.Field); Label the message id
// of its name.
type Correctable struct {
	Field  string
	Label  string
	Record Record
	// Table and Column store a RecordRow field's value, in a row whose
	// user_id is the customer's; MaxLen bounds it in characters (0: text).
	Table, Column string
	MaxLen        int
}

// CorrectableField finds the declared field of a category.
func CorrectableField(category, field string) (Correctable, bool) {
	e, ok := Lookup(category)
	if !ok {
		return Correctable{}, false
	}
	for _, c := range e.Correctable() {
		if c.Field == field {
			return c, true
		}
	}
	return Correctable{}, false
}
