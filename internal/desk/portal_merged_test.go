package desk_test

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
)

// Once victoria's record is merged into alice's (one person, two
// addresses), victoria's address signs in to the help centre as alice:
// with the password alice set, and with a link sent to the address typed.
// An address nobody has still gets nothing, and a link made for the
// address stops working once the address is no longer alice's.
func TestAMergedAddressSignsInToTheCustomerKept(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		alice, victoria := env.f.Customer["alice"], env.f.Customer["victoria"]
		if _, err := env.d.MergeCustomers(env.ctx, env.lead, alice.ID, victoria.ID); err != nil {
			t.Fatal(err)
		}
		hash, err := auth.HashPasswordContext(env.ctx, "le mot de passe d'alice")
		if err != nil {
			t.Fatal(err)
		}
		if err := env.s.SetCustomerPassword(env.ctx, env.f.WS.ID, alice.ID, hash); err != nil {
			t.Fatal(err)
		}
		signedIn := func(how, secret string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", how, err)
			}
			c, err := env.d.CustomerSession(env.ctx, secret)
			if err != nil || c.ID != alice.ID {
				t.Errorf("%s: signed in as %d (%v), want alice %d", how, c.ID, err, alice.ID)
			}
		}

		secret, err := env.d.SignInWithPassword(env.ctx, env.f.WS.ID, strings.ToUpper(victoria.Email), "le mot de passe d'alice", "192.0.2.1")
		signedIn("password with the merged address", secret, err)
		if _, err := env.d.SignInWithPassword(env.ctx, env.f.WS.ID, victoria.Email, "pas le bon", "192.0.2.1"); err == nil {
			t.Error("a wrong password signed in")
		}

		mail, ok, err := env.d.SignInLinkMail(env.ctx, desk.SignInJob{WorkspaceID: env.f.WS.ID, Email: victoria.Email, Selector: "sel-victoria", BaseURL: "https://help.acme.test"})
		if err != nil || !ok {
			t.Fatalf("a link for the merged address: ok %v, %v", ok, err)
		}
		if mail.To != victoria.Email || mail.ToName != alice.Name {
			t.Errorf("the link goes to %q (%q), want the address typed, %q, for alice", mail.To, mail.ToName, victoria.Email)
		}
		_, token, _ := strings.Cut(mail.Link, "sel-victoria")
		secret, err = env.d.SignInWithLink(env.ctx, env.f.WS.ID, "sel-victoria"+token)
		signedIn("the link sent to the merged address", secret, err)

		if _, ok, err := env.d.SignInLinkMail(env.ctx, desk.SignInJob{WorkspaceID: env.f.WS.ID, Email: "personne@nulle-part.example", Selector: "sel-nobody", BaseURL: "https://help.acme.test"}); err != nil || ok {
			t.Errorf("a link for an unknown address: ok %v, %v", ok, err)
		}

		// A link armed for the address, then the address taken from alice
		// (an agent gives her the address as main, then changes it): the
		// link must not open alice's requests for whoever holds it now.
		mail, ok, err = env.d.SignInLinkMail(env.ctx, desk.SignInJob{WorkspaceID: env.f.WS.ID, Email: victoria.Email, Selector: "sel-late", BaseURL: "https://help.acme.test"})
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if _, err := env.s.DB().Exec(`DELETE FROM customer_emails WHERE email = $1`, victoria.Email); err != nil {
			t.Fatal(err)
		}
		_, token, _ = strings.Cut(mail.Link, "sel-late")
		if _, err := env.d.SignInWithLink(env.ctx, env.f.WS.ID, "sel-late"+token); err == nil {
			t.Error("a link for an address alice no longer has still signed in")
		}
	})
}
