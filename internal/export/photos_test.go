package export

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
)

// TestPhotoNamedLikeAPathLandsSafely: the name a customer's file had is
// a value in data.json, never a path in the ZIP, so "../../etc/passwd"
// cannot escape the folder it is unzipped into.
func TestPhotoNamedLikeAPathLandsSafely(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		uid := newCustomer(t, db, "ada@example.com")
		orig := bytes.Repeat([]byte("\xff\xd8\xff\xe0 not really a jpeg "), 5000) // more than one copy buffer
		evil := addPhoto(t, s, uid, "../../etc/passwd", orig)
		abs := addPhoto(t, s, uid, "/etc/shadow", []byte("second"))
		e, err := s.Request(ctx, actor.Actor{Kind: actor.Customer, UserID: uid}, uid, nil, "en")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		files := unzip(t, s, reload(t, s, e.ID))
		safe := regexp.MustCompile(`^photos/photo-\d{6}\.jpg$`)
		name := PhotoPath(evil.ID, "image/jpeg")
		if !safe.MatchString(name) {
			t.Fatalf("photo path %q", name)
		}
		if got, ok := files[name]; !ok || !bytes.Equal(got, orig) {
			t.Errorf("%s: present %v, same bytes %v", name, ok, bytes.Equal(got, orig))
		}
		if !bytes.Equal(files[PhotoPath(abs.ID, "image/jpeg")], []byte("second")) {
			t.Error("the second photo's bytes differ")
		}
		photos := 0
		for n := range files {
			if strings.Contains(n, "..") || strings.HasPrefix(n, "/") || strings.Contains(n, `\`) || strings.Contains(n, "passwd") || strings.Contains(n, "shadow") {
				t.Errorf("unsafe ZIP entry %q", n)
			}
			if strings.HasPrefix(n, "photos/") {
				photos++
				if !safe.MatchString(n) {
					t.Errorf("photo entry %q is not a name the portal made", n)
				}
			}
		}
		if photos != 2 {
			t.Errorf("%d photos in the ZIP, want 2", photos)
		}
		// data.json keeps the original name as a value, and where the file is.
		var data struct {
			Categories struct {
				Photos struct {
					Photos []struct {
						ID       int64
						Filename string
						File     *string
					}
				}
			}
		}
		if err := json.Unmarshal(files["data.json"], &data); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range data.Categories.Photos.Photos {
			if p.ID == evil.ID {
				found = true
				if p.Filename != "../../etc/passwd" || p.File == nil || *p.File != name {
					t.Errorf("data.json photo: filename %q, file %v", p.Filename, p.File)
				}
			}
		}
		if !found {
			t.Error("data.json lacks the photo")
		}
	})
}
