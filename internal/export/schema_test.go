package export

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// update rewrites the committed schema: go test ./internal/export -run TestSchemaFile -update
var update = flag.Bool("update", false, "rewrite docs/export/data.schema.json from export.Schema()")

const schemaDoc = "../../docs/export/data.schema.json"

// TestSchemaFile keeps the documented schema the one packages follow: a
// change to a category's declared fields fails here until the copy is
// refreshed (and reviewed in the diff).
func TestSchemaFile(t *testing.T) {
	t.Parallel()
	want := Schema()
	if *update {
		if err := os.MkdirAll(filepath.Dir(schemaDoc), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(schemaDoc, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaDoc)
	if err != nil {
		t.Fatalf("%v (write it with: go test ./internal/export -run TestSchemaFile -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from export.Schema(); refresh it with: go test ./internal/export -run TestSchemaFile -update", schemaDoc)
	}
	// The schema is itself valid draft 2020-12.
	compileSchema(t, want)
}

func compileSchema(t testing.TB, raw []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // date-time is checked, not only annotated
	if err := c.AddResource("data.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("data.schema.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

func validate(sch *jsonschema.Schema, raw []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// TestPackageFollowsItsSchema builds a real package of a customer with
// every kind of record and validates its data.json against the schema it
// ships with; an undeclared key, a wrong type or a missing set fails.
func TestPackageFollowsItsSchema(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		r := richCustomer(t, s, db)
		e, err := s.Request(ctx, actor.Actor{Kind: actor.Customer, UserID: r.UserID}, r.UserID, nil, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		files := unzip(t, s, reload(t, s, e.ID))
		if !bytes.Equal(files[SchemaName], Schema()) {
			t.Error("the ZIP's schema is not export.Schema()")
		}
		sch := compileSchema(t, files[SchemaName])
		data := files["data.json"]
		if err := validate(sch, data); err != nil {
			t.Fatalf("data.json does not follow its schema: %v", err)
		}

		// Strict: one key more anywhere fails, at the top and in a record.
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		doc["extra"] = 1
		if err := validate(sch, mustJSON(t, doc)); err == nil {
			t.Error("a data.json with an extra top-level key validates")
		}
		delete(doc, "extra")
		cats := doc["categories"].(map[string]any)
		acct := cats["profile"].(map[string]any)["account"].(map[string]any)
		acct["password_hash"] = "x"
		if err := validate(sch, mustJSON(t, doc)); err == nil {
			t.Error("an account record with an undeclared key validates")
		}
		delete(acct, "password_hash")
		acct["email"] = 42
		if err := validate(sch, mustJSON(t, doc)); err == nil {
			t.Error("a number where a string is declared validates")
		}
		acct["email"] = "ada@example.com"
		delete(cats, "orders")
		if err := validate(sch, mustJSON(t, doc)); err != nil {
			t.Errorf("a package without a category left out by choice must still validate: %v", err)
		}

		// Every set has its records; the withheld note has no body.
		var parsed struct {
			Categories map[string]map[string]json.RawMessage
		}
		if err := json.Unmarshal(data, &parsed); err != nil {
			t.Fatal(err)
		}
		var notes []struct {
			ID       int64
			Body     *string
			Withheld string
		}
		if err := json.Unmarshal(parsed.Categories["requests"]["notes"], &notes); err != nil {
			t.Fatal(err)
		}
		bodies := map[int64]*string{}
		for _, n := range notes {
			bodies[n.ID] = n.Body
		}
		if b, ok := bodies[r.WithheldNote.ID]; !ok || b != nil {
			t.Errorf("withheld note: present %v, body %v (want present, null)", ok, b)
		}
		if b := bodies[r.Note.ID]; b == nil || *b != normalBody {
			t.Errorf("normal note body = %v", b)
		}
		for cat, sets := range map[string][]string{"profile": {"account", "profile", "addresses", "changes"}, "orders": {"orders", "items"},
			"photos": {"photos"}, "logins": {"events", "sessions"}, "requests": {"requests", "events", "messages", "notes", "holds", "restrictions"},
			"contact": {"messages"}, "payments": {"payments"}, "surveys": {"answers"}} {
			for _, set := range sets {
				raw := strings.TrimSpace(string(parsed.Categories[cat][set]))
				if raw == "" || raw == "null" || raw == "[]" {
					t.Errorf("%s.%s is empty in data.json", cat, set)
				}
			}
		}
		var events []map[string]any
		json.Unmarshal(parsed.Categories["logins"]["events"], &events)
		if len(events) != 2 {
			t.Errorf("%d sign-in events, want the customer's 2", len(events))
		}
		noSecrets(t, files)
	})
}

// noSecrets fails when a credential or another customer's data is
// anywhere in the package: data.json, CSV, report, schema.
func noSecrets(t *testing.T, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		for _, secret := range []string{secretPassword, secretTOTP, secretToken, "status-token-hash-secret", otherEmail, "Bob's browser",
			withheldBody, `{"flash":"x"}`} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains %q", name, secret)
			}
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
