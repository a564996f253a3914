package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/onecloudai/contacts/internal/db/dbtest"
)

// TestAdminCreateUserNamesItsActor: the staff accounts `admin create-user`
// makes or resets are administrative changes, so their audit events say
// they came from the command line (and as which operating-system user),
// instead of showing a blank actor in the platform log.
func TestAdminCreateUserNamesItsActor(t *testing.T) {
	d, dsn := dbtest.Fresh(t)
	t.Setenv("APP_ENV", "development")
	t.Setenv("DATABASE_URL", dsn)
	run := func(args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := Main(context.Background(), append([]string{"admin", "create-user"}, args...), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	run("--email", "ops@example.com", "--password", "correct horse battery staple")
	run("--email", "ops@example.com", "--password", "another horse battery staple", "--system-admin")

	var events []struct {
		Action     string
		ActorLabel string
	}
	if err := d.Gorm.Table("audit_events").Select("action, actor_label").Order("id").Scan(&events).Error; err != nil {
		t.Fatal(err)
	}
	want := []string{"user.created", "user.password_reset", "user.system_role_changed"}
	if len(events) != len(want) {
		t.Fatalf("events %+v, want actions %v", events, want)
	}
	for i, e := range events {
		if e.Action != want[i] {
			t.Errorf("event %d is %s, want %s", i, e.Action, want[i])
		}
		if !strings.HasPrefix(e.ActorLabel, "contacts admin create-user") {
			t.Errorf("%s: actor label %q, want the command line named", e.Action, e.ActorLabel)
		}
	}
}
