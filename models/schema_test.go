package models_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm/schema"
)

// TestModelsMatchMigrations proves every GORM field has a column of a
// compatible kind in the migrated schema, every column has a field, and
// every index the models declare exists.
func TestModelsMatchMigrations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		m := db.Migrator()
		for _, model := range models.All() {
			s, err := schema.Parse(model, &sync.Map{}, db.NamingStrategy)
			if err != nil {
				t.Fatal(err)
			}
			if !m.HasTable(model) {
				t.Errorf("%s: table %s missing", s.Name, s.Table)
				continue
			}
			cols, err := m.ColumnTypes(model)
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]string{}
			for _, c := range cols {
				have[c.Name()] = strings.ToLower(c.DatabaseTypeName())
			}
			for _, f := range s.Fields {
				if f.DBName == "" {
					continue
				}
				typ, ok := have[f.DBName]
				if !ok {
					t.Errorf("%s.%s: column %s missing", s.Name, f.Name, f.DBName)
					continue
				}
				if !compatible(f.DataType, typ) {
					t.Errorf("%s.%s: field is %s but column %s is %s", s.Name, f.Name, f.DataType, f.DBName, typ)
				}
				delete(have, f.DBName)
			}
			for c := range have {
				t.Errorf("%s: column %s.%s has no field", s.Name, s.Table, c)
			}
			for _, idx := range s.ParseIndexes() {
				if !m.HasIndex(model, idx.Name) {
					t.Errorf("%s: index %s missing", s.Name, idx.Name)
				}
			}
		}
	})
}

func compatible(dt schema.DataType, column string) bool {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(column, w) {
				return true
			}
		}
		return false
	}
	switch dt {
	case schema.Int, schema.Uint:
		return has("int", "serial")
	case schema.String:
		return has("text", "char")
	case schema.Time:
		return has("time", "date")
	case schema.Bool:
		return has("bool", "int")
	case schema.Float:
		return has("real", "double", "numeric", "float")
	}
	return true
}
